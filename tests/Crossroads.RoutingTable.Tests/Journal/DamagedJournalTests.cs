using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Crossroads.RoutingTable.Journal;
using static Crossroads.RoutingTable.Tests.Journal.JournalTestTable;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// A damaged line that is not the last, or a journaled metric outside 1..maxMetric, stops the open with a
/// <see cref="JournalException"/> naming file and line; the journal is left exactly as it was.
/// </summary>
public sealed class DamagedJournalTests : IDisposable
{
    private const int MaxMetric = 100;
    private readonly TempJournalDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string, int> Damages() => new()
    {
        { "a flipped metric digit (CRC mismatch)", 3 },
        { "a flipped CRC digit", 2 },
        { "an empty line", 4 },
        { "a line of the wrong version", 1 },
        { "a line with a bad match kind and a matching CRC", 5 },
        { "a line without its newline, joined to the next", 3 },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_line_before_the_last_names_file_and_line(string damage, int lineNumber)
    {
        var lines = Enumerable.Range(0, 6).Select(i => Encoding.ASCII.GetString(Line(Exact(V4Prefix(i), HopA, 10 + i))).TrimEnd('\n')).ToList();
        lines[lineNumber - 1] = Damage(lines[lineNumber - 1], damage);
        string text = string.Join('\n', lines) + "\n";
        if (damage.StartsWith("a line without its newline", StringComparison.Ordinal))
        {
            text = string.Join('\n', lines.Take(lineNumber)) + string.Join('\n', lines.Skip(lineNumber)) + "\n";
        }

        File.WriteAllText(_directory.JournalPath, text, Encoding.ASCII);
        byte[] before = File.ReadAllBytes(_directory.JournalPath);

        var e = Assert.Throws<JournalException>(() => _directory.Open(MaxMetric));
        Assert.Contains($"{_directory.JournalPath}:{lineNumber}:", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_directory.JournalPath)); // nothing cut off: the operator decides
    }

    [Fact]
    public void Damaged_line_followed_only_by_a_torn_tail_still_stops_the_open()
    {
        byte[] good = Line(Exact(V4Prefix(0), HopA, 10));
        byte[] damaged = Line(Exact(V4Prefix(1), HopA, 11));
        damaged[^2] = (byte)'2';
        byte[] torn = Line(Exact(V4Prefix(2), HopA, 12))[..10];
        File.WriteAllBytes(_directory.JournalPath, [.. good, .. damaged, .. torn]);

        var e = Assert.Throws<JournalException>(() => _directory.Open(MaxMetric));
        Assert.Contains($"{_directory.JournalPath}:2:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_line_deep_in_a_long_journal_is_named_by_its_true_line_number()
    {
        // Past the replay batch (10,000) and many 64 KiB read blocks.
        const int damagedLine = 12_345;
        var lines = Enumerable.Range(0, 12_400).Select(i => Line(Exact(V4Prefix(i % 64), i % 2 == 0 ? HopA : HopB, (i % MaxMetric) + 1))).ToList();
        lines[damagedLine - 1] = Encoding.ASCII.GetBytes(Damage(Encoding.ASCII.GetString(lines[damagedLine - 1]).TrimEnd('\n'), "a flipped CRC digit") + "\n");
        File.WriteAllBytes(_directory.JournalPath, [.. lines.SelectMany(l => l)]);

        var e = Assert.Throws<JournalException>(() => _directory.Open(MaxMetric));
        Assert.Contains($"{_directory.JournalPath}:{damagedLine}:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(99_999, 2, 3)]
    [InlineData(99_999, 3, 3)] // the last line: a valid, complete line is no torn tail, it must not be dropped
    [InlineData(101, 1, 2)]
    [InlineData(0, 2, 4)]
    public void Journaled_metric_outside_the_range_names_the_line(int metric, int lineNumber, int lineCount)
    {
        var updates = Enumerable.Range(0, lineCount).Select(i => Exact(V4Prefix(i), HopA, 10 + i)).ToArray();
        updates[lineNumber - 1] = updates[lineNumber - 1] with { Metric = metric };
        WriteJournal(_directory.JournalPath, updates);
        // The line is what a table with a larger MAX_METRIC wrote: its CRC is right.
        string line = Lines(_directory.JournalPath)[lineNumber - 1];
        Assert.EndsWith("\t" + metric.ToString(CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
        Assert.Equal(Crc(line), line.Split('\t')[1]);
        byte[] before = File.ReadAllBytes(_directory.JournalPath);

        var e = Assert.Throws<JournalException>(() => _directory.Open(MaxMetric));
        Assert.Contains($"{_directory.JournalPath}:{lineNumber}:", e.Message, StringComparison.Ordinal);
        Assert.Contains(metric.ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_directory.JournalPath));
    }

    [Fact]
    public void Journal_written_with_a_larger_max_metric_fails_the_smaller_table()
    {
        using (var large = _directory.Open(maxMetric: 100_000))
        {
            Assert.Equal(1, large.Update(Exact(V4Prefix(4), HopA, 50)));
            Assert.Equal(1, large.Update(Exact(V4Prefix(5), HopA, 99_999)));
            Assert.Equal(1, large.Update(Exact(V4Prefix(6), HopA, 60)));
        }

        var e = Assert.Throws<JournalException>(() => _directory.Open(MaxMetric));
        Assert.Contains($"{_directory.JournalPath}:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("99999", e.Message, StringComparison.Ordinal);

        // The journal is untouched and still opens with the larger range.
        using var again = _directory.Open(maxMetric: 100_000);
        Assert.Equal(3, again.Statistics.Replayed);
        Assert.Equal(99_999, RoundTripTests.Metric(again, V4Prefix(5), HopA));
    }

    private static string Crc(string line)
    {
        string payload = string.Join('\t', line.Split('\t')[2..]);
        return Crc32.HashToUInt32(Encoding.ASCII.GetBytes(payload)).ToString("x8", CultureInfo.InvariantCulture);
    }

    private static string Damage(string line, string damage)
    {
        string[] fields = line.Split('\t');
        switch (damage)
        {
            case "a flipped metric digit (CRC mismatch)":
                fields[5] = fields[5][..^1] + (fields[5][^1] == '9' ? '8' : '9');
                return string.Join('\t', fields);
            case "a flipped CRC digit":
                fields[1] = (fields[1][0] == 'f' ? 'e' : 'f') + fields[1][1..];
                return string.Join('\t', fields);
            case "an empty line":
                return string.Empty;
            case "a line of the wrong version":
                fields[0] = "v0";
                return string.Join('\t', fields);
            case "a line with a bad match kind and a matching CRC":
                fields[2] = "longer";
                fields[1] = Crc(string.Join('\t', fields));
                return string.Join('\t', fields);
            case "a line without its newline, joined to the next":
                return line;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }
    }
}
