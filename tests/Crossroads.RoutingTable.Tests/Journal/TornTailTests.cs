using System.Text;
using static Crossroads.RoutingTable.Tests.Journal.JournalTestTable;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// An incomplete or damaged LAST line (an append a crash cut short, never acknowledged) is dropped: the file is
/// truncated to the last good line, and later appends land after it and replay.
/// </summary>
public sealed class TornTailTests : IDisposable
{
    private const int MaxMetric = 100;
    private static readonly MetricUpdate[] Good =
        [Exact(V4Prefix(1), HopA, 5), OrLonger("10.0.0.0/16", HopB, 7), Exact("2001:db8:3::/48", HopV6B, 2)];

    private readonly TempJournalDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> Tails() =>
    [
        "garbage without a newline",
        "half of a line",
        "a whole line but its newline",
        "a line with a wrong CRC",
        "a line of the wrong version",
        "a line with too few fields",
        "an empty line",
        "zero bytes (a crash after the size grew)",
    ];

    [Theory]
    [MemberData(nameof(Tails))]
    public void Damaged_last_line_is_dropped_and_cut_off_and_later_appends_replay(string tail)
    {
        WriteJournal(_directory.JournalPath, Good);
        byte[] good = File.ReadAllBytes(_directory.JournalPath);
        AppendBytes(Tail(tail));
        Assert.True(new FileInfo(_directory.JournalPath).Length > good.Length);
        var expected = Reference(_directory.RoutesFile, Good, MaxMetric);

        using (var table = _directory.Open(MaxMetric))
        {
            Assert.True(table.Statistics.DroppedTornTail, $"tail '{tail}': DroppedTornTail");
            Assert.Equal(Good.Length, table.Statistics.Replayed);
            Assert.Equal(good, File.ReadAllBytes(_directory.JournalPath)); // truncated to exactly the good lines
            AssertSameState(expected.Current, table.Table.Current, $"tail '{tail}' after the first open");

            var next = Exact(V4Prefix(2), HopB, 3);
            Assert.Equal(1, table.Update(next));
            expected.Apply(next);
        }

        Assert.Equal(Good.Length + 1, Lines(_directory.JournalPath).Length);
        using var reopened = _directory.Open(MaxMetric);
        Assert.False(reopened.Statistics.DroppedTornTail, $"tail '{tail}': the append after the cut must land on a line of its own");
        Assert.Equal(Good.Length + 1, reopened.Statistics.Replayed);
        AssertSameState(expected.Current, reopened.Table.Current, $"tail '{tail}' after the second open");
    }

    [Fact]
    public void Journal_holding_only_a_torn_line_is_cut_to_empty()
    {
        byte[] line = Line(Exact(V4Prefix(1), HopA, 5));
        File.WriteAllBytes(_directory.JournalPath, line[..^3]);

        using (var table = _directory.Open(MaxMetric))
        {
            Assert.True(table.Statistics.DroppedTornTail);
            Assert.Equal(0, table.Statistics.Replayed);
            Assert.Equal(0, new FileInfo(_directory.JournalPath).Length);
            Assert.Equal(0, table.Table.Current.Version);
            Assert.Equal(1, table.Update(Exact(V4Prefix(3), HopA, 8)));
        }

        using var reopened = _directory.Open(MaxMetric);
        Assert.False(reopened.Statistics.DroppedTornTail);
        Assert.Equal(1, reopened.Statistics.Replayed);
        Assert.Equal(8, RoundTripTests.Metric(reopened, V4Prefix(3), HopA));
        Assert.Equal(MaxMetric, RoundTripTests.Metric(reopened, V4Prefix(1), HopA));
    }

    [Fact]
    public void Torn_tail_after_a_long_journal_crossing_read_blocks_is_dropped()
    {
        // > 64 KiB, so lines straddle the reader's block boundaries; the torn tail starts in the last block.
        var updates = Enumerable.Range(0, 3000).Select(i => Exact(V4Prefix(i % 64), i % 2 == 0 ? HopA : HopB, (i % MaxMetric) + 1)).ToList();
        WriteJournal(_directory.JournalPath, updates);
        long good = new FileInfo(_directory.JournalPath).Length;
        Assert.True(good > 1 << 16);
        AppendBytes(Line(Exact(V4Prefix(5), HopA, 1))[..20]);

        using var table = _directory.Open(MaxMetric);
        Assert.True(table.Statistics.DroppedTornTail);
        Assert.Equal(updates.Count, table.Statistics.Replayed);
        Assert.Equal(good, new FileInfo(_directory.JournalPath).Length);
        AssertSameState(Reference(_directory.RoutesFile, updates, MaxMetric).Current, table.Table.Current, "3000 entries and a torn tail");
    }

    [Fact]
    public void Intact_journal_is_not_reported_torn_and_not_modified()
    {
        WriteJournal(_directory.JournalPath, Good);
        byte[] good = File.ReadAllBytes(_directory.JournalPath);

        using var table = _directory.Open(MaxMetric);
        Assert.False(table.Statistics.DroppedTornTail);
        Assert.Equal(good, File.ReadAllBytes(_directory.JournalPath));
    }

    private static byte[] Tail(string kind)
    {
        byte[] line = Line(Exact(V4Prefix(9), HopA, 42));
        byte[] wrongCrc = (byte[])line.Clone();
        wrongCrc[^2] = (byte)'3'; // metric 42 -> 43, CRC unchanged
        return kind switch
        {
            "garbage without a newline" => Encoding.ASCII.GetBytes("#!garbage\tnot a journal line"),
            "half of a line" => line[..(line.Length / 2)],
            "a whole line but its newline" => line[..^1],
            "a line with a wrong CRC" => wrongCrc,
            "a line of the wrong version" => Encoding.ASCII.GetBytes("v2" + Encoding.ASCII.GetString(line)[2..]),
            "a line with too few fields" => Encoding.ASCII.GetBytes("v1\t00000000\texact\n"),
            "an empty line" => "\n"u8.ToArray(),
            "zero bytes (a crash after the size grew)" => new byte[37],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private void AppendBytes(byte[] bytes)
    {
        using var output = new FileStream(_directory.JournalPath, FileMode.Append, FileAccess.Write);
        output.Write(bytes);
    }
}
