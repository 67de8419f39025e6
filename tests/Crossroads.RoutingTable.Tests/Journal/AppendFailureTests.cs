using System.Text;
using static Crossroads.RoutingTable.Tests.Journal.JournalTestTable;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// A journal append that fails (real devices: <c>/dev/full</c>, a full tmpfs) throws <see cref="IOException"/>,
/// changes nothing in memory, leaves no bytes behind, and is never carried to disk by a later successful append.
/// </summary>
public sealed class AppendFailureTests : IDisposable
{
    private const int MaxMetric = 100;
    private const int Page = 4096;
    private readonly TempJournalDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [FactWhenDevFullExists]
    public void Update_on_a_journal_that_is_dev_full_throws_and_changes_nothing_twice()
    {
        File.CreateSymbolicLink(_directory.JournalPath, FactWhenDevFullExistsAttribute.DevFull);

        using var table = _directory.Open(MaxMetric);
        Assert.Equal(0, table.Statistics.Replayed);
        Assert.False(table.Statistics.DroppedTornTail);
        var before = RoutesOf(table.Table.Current);
        var snapshot = table.Table.Current;

        var first = Assert.Throws<IOException>(() => table.Update(OrLonger("10.0.0.0/8", HopB, 1)));
        Assert.Same(snapshot, table.Table.Current); // nothing published
        Assert.Equal(0, table.Table.Current.Version);
        Assert.Equal(MaxMetric, RoundTripTests.Metric(table, V4Prefix(3), HopB));
        Assert.Equal(before, RoutesOf(table.Table.Current));

        // Poisoned or not, the next append must fail as well, and change nothing either.
        var second = Assert.Throws<IOException>(() => table.Update(Exact(V4Prefix(3), HopA, 2)));
        Assert.Same(snapshot, table.Table.Current);
        Assert.Equal(MaxMetric, RoundTripTests.Metric(table, V4Prefix(3), HopA));
        Assert.Equal(before, RoutesOf(table.Table.Current));
        Assert.False(string.IsNullOrWhiteSpace(first.Message));
        Assert.False(string.IsNullOrWhiteSpace(second.Message));

        // An update that matches no route journals nothing, so it does not fail.
        Assert.Equal(0, table.Update(Exact("192.0.2.0/24", HopA, 2)));
    }

    [FactWhenTmpfsMountable]
    public void Update_that_fails_on_a_full_disk_is_cut_off_and_never_resurrected_by_the_next_append()
    {
        using var disk = TmpfsMount.Create(sizeKiB: 16);
        string journal = Path.Combine(disk.Path, JournalName);
        var applied = new List<MetricUpdate>();
        var failed = Exact(V4Prefix(50), HopB, 77);
        var after = Exact(V4Prefix(51), HopA, 66);
        using (var table = DurableRouteTable.Open(_directory.RoutesFile, journal, MaxMetric))
        {
            // Fill the journal's first page until the next line no longer fits in it: that append needs a new page,
            // and a partial write (the bytes that still fit) is what must be cut off again.
            int lineLength = Line(failed).Length;
            for (int i = 0; new FileInfo(journal).Length % Page + lineLength <= Page; i++)
            {
                var update = Exact(V4Prefix(i % 40), i % 2 == 0 ? HopA : HopB, (i % 9) + 1);
                Assert.Equal(1, table.Update(update));
                applied.Add(update);
            }

            long lengthBefore = new FileInfo(journal).Length;
            Assert.True(lengthBefore % Page > 0, "the failing line starts inside a page and crosses into the next one");
            byte[] bytesBefore = File.ReadAllBytes(journal);
            string filler = disk.Fill();
            var snapshot = table.Table.Current;

            var e = Assert.Throws<IOException>(() => table.Update(failed));
            Assert.Same(snapshot, table.Table.Current);
            Assert.Equal(applied.Count, table.Table.Current.Version);
            Assert.Equal(MaxMetric, RoundTripTests.Metric(table, V4Prefix(50), HopB));
            Assert.Equal(lengthBefore, new FileInfo(journal).Length); // the partly written line is cut off
            Assert.Equal(bytesBefore, File.ReadAllBytes(journal));

            // Space comes back; the next update succeeds and must carry only itself to disk.
            File.Delete(filler);
            Assert.Equal(1, table.Update(after));
            applied.Add(after);
            Assert.Equal(applied.Count, table.Table.Current.Version);
            Assert.Equal(MaxMetric, RoundTripTests.Metric(table, V4Prefix(50), HopB));
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }

        string[] lines = Lines(journal);
        string failedLine = Encoding.ASCII.GetString(Line(failed)).TrimEnd('\n');
        Assert.DoesNotContain(failedLine, lines);
        Assert.Equal(Encoding.ASCII.GetString(Line(after)).TrimEnd('\n'), lines[^1]);
        Assert.Equal(applied.Count, lines.Length);

        using var reopened = DurableRouteTable.Open(_directory.RoutesFile, journal, MaxMetric);
        Assert.False(reopened.Statistics.DroppedTornTail);
        Assert.Equal(applied.Count, reopened.Statistics.Replayed);
        Assert.Equal(MaxMetric, RoundTripTests.Metric(reopened, V4Prefix(50), HopB)); // the failed update is not there
        Assert.Equal(66, RoundTripTests.Metric(reopened, V4Prefix(51), HopA)); // the successful one is
        AssertSameState(Reference(_directory.RoutesFile, applied, MaxMetric).Current, reopened.Table.Current, "after a failed append and a restart");
    }

    [FactWhenTmpfsMountable]
    public void First_update_on_a_full_disk_fails_and_leaves_an_empty_journal()
    {
        using var disk = TmpfsMount.Create(sizeKiB: 16);
        string journal = Path.Combine(disk.Path, JournalName);
        var failed = Exact(V4Prefix(5), HopA, 5);
        using (var table = DurableRouteTable.Open(_directory.RoutesFile, journal, MaxMetric))
        {
            string filler = disk.Fill();
            Assert.Throws<IOException>(() => table.Update(failed));
            Assert.Throws<IOException>(() => table.Update(failed));
            Assert.Equal(0, table.Table.Current.Version);
            Assert.Equal(0, new FileInfo(journal).Length);

            File.Delete(filler);
            Assert.Equal(1, table.Update(Exact(V4Prefix(6), HopA, 6)));
        }

        using var reopened = DurableRouteTable.Open(_directory.RoutesFile, journal, MaxMetric);
        Assert.Equal(1, reopened.Statistics.Replayed);
        Assert.Equal(MaxMetric, RoundTripTests.Metric(reopened, V4Prefix(5), HopA));
        Assert.Equal(6, RoundTripTests.Metric(reopened, V4Prefix(6), HopA));
    }
}
