using static Crossroads.RoutingTable.Tests.Journal.JournalTestTable;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// Online compaction on a disk that runs out of space while writing the temporary file: the failure is only a
/// warning, so it must not cost the journal anything — in particular not the space an append needs afterwards.
/// </summary>
public sealed class FullDiskCompactionTests : IDisposable
{
    private const int MaxMetric = 100;
    private const int Page = 4096;
    private const int ChangedRoutes = 200; // ~9 KB compacted: more than the one page left free
    private readonly TempJournalDirectory _directory = new(v4Prefixes: ChangedRoutes, v6Prefixes: 0);

    public void Dispose() => _directory.Dispose();

    [FactWhenTmpfsMountable]
    public void Compaction_that_runs_out_of_space_gives_the_space_back_for_the_next_append()
    {
        using var disk = TmpfsMount.Create(sizeKiB: 1024);
        string journal = Path.Combine(disk.Path, JournalName);
        var tenThousandth = Exact(V4Prefix(7), HopA, 5);
        var next = Exact(V4Prefix(8), HopA, 6);
        var entries = AlignedJournal(DurableRouteTable.CompactionThreshold - 1, Line(tenThousandth).Length, Line(next).Length);
        // Half written beforehand (so the running table's compaction point stays at the threshold), half through the table.
        const int written = (DurableRouteTable.CompactionThreshold / 2) - 1;
        WriteJournal(journal, entries[..written]);
        using var table = DurableRouteTable.Open(_directory.RoutesFile, journal, MaxMetric);
        Assert.False(table.Statistics.Compacted);
        Assert.Equal(written, table.Statistics.Replayed);
        foreach (var entry in entries[written..])
        {
            Assert.Equal(1, table.Update(entry));
        }

        Assert.Null(table.LastCompactionError);
        Assert.Equal(DurableRouteTable.CompactionThreshold - 1, Lines(journal).Length);

        // The disk is full but for one page: the 10,000th entry fits in the journal's last page, the compaction's
        // temporary file does not fit in one page, and the entry after it needs that free page.
        string filler = disk.Fill();
        using (var shrink = new FileStream(filler, FileMode.Open, FileAccess.Write))
        {
            shrink.SetLength(shrink.Length - Page);
        }

        Assert.Equal(1, table.Update(tenThousandth));
        Assert.NotNull(table.LastCompactionError);
        Assert.Equal(DurableRouteTable.CompactionThreshold, Lines(journal).Length); // the long journal is still the journal

        string temporary = journal + ".tmp";
        long leftover = File.Exists(temporary) ? new FileInfo(temporary).Length : -1;
        var failure = Record.Exception(() => table.Update(next));
        Assert.True(
            failure is null,
            $"an append that fits in the space the disk had before the failed compaction was refused ({failure?.Message}); "
            + $"the failed compaction left {temporary} behind ({leftover} bytes)");
        Assert.False(File.Exists(temporary), $"the failed compaction left {temporary} behind ({leftover} bytes)");
    }

    /// <summary>
    /// <paramref name="count"/> entries over <see cref="ChangedRoutes"/> routes, with some metrics given two digits so
    /// that the next line of <paramref name="firstLength"/> bytes still fits in the last page and the one after it
    /// (<paramref name="secondLength"/>) does not.
    /// </summary>
    private static List<MetricUpdate> AlignedJournal(int count, int firstLength, int secondLength)
    {
        var entries = Enumerable.Range(0, count).Select(i => Exact(V4Prefix(i % ChangedRoutes), HopA, (i % 9) + 1)).ToList();
        long length = entries.Sum(e => (long)Line(e).Length);
        for (int k = ChangedRoutes; ; k++)
        {
            long inPage = length % Page;
            if (inPage > 0 && inPage + firstLength <= Page && inPage + firstLength + secondLength > Page)
            {
                return entries;
            }

            entries[k] = entries[k] with { Metric = 10 + (k % 80) }; // one byte longer
            length++;
        }
    }
}
