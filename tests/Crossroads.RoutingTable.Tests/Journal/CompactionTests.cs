using static Crossroads.RoutingTable.Tests.Journal.JournalTestTable;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// A long journal that changes few routes is rewritten as one exact update per changed route: at start (at
/// least <see cref="DurableRouteTable.CompactionThreshold"/> entries and twice the changed routes) and while
/// running. The state after a restart is the same either way; a failed compaction only leaves the long journal.
/// </summary>
public sealed class CompactionTests : IDisposable
{
    private const int MaxMetric = 100;
    private readonly TempJournalDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>Toggles a few routes over and over; one ends back at the default metric, so it is not a changed route.</summary>
    private static List<MetricUpdate> Toggling(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => (i % 5) switch
        {
            0 => Exact(V4Prefix(1), HopA, (i % 7) + 1),
            1 => OrLonger("10.0.0.0/16", HopB, (i % 11) + 1), // every /24 route via B, and the /16... via B (none)
            2 => Exact("2001:db8:2::/48", HopV6A, (i % 13) + 1),
            3 => Exact(V4Prefix(2), HopA, i % 2 == 0 ? 3 : MaxMetric),
            _ => Exact("10.0.0.0/8", HopA, (i % 3) + 1),
        }),
        Exact(V4Prefix(2), HopA, MaxMetric),
    ];

    [Fact]
    public void Long_journal_is_compacted_at_start_to_one_line_per_changed_route_with_the_same_state()
    {
        var updates = Toggling(DurableRouteTable.CompactionThreshold + 500);
        WriteJournal(_directory.JournalPath, updates);
        var expected = Reference(_directory.RoutesFile, updates, MaxMetric).Current;
        int changed = expected.ChangedRoutes().Count;
        Assert.InRange(changed, 60, 80); // 64 /24s via B, the /8, one /24 via A, one /48 (the toggled-back /24 is default again)

        using (var table = _directory.Open(MaxMetric))
        {
            Assert.True(table.Statistics.Compacted, $"compaction error: {table.Statistics.CompactionError}");
            Assert.Null(table.Statistics.CompactionError);
            Assert.Equal(updates.Count, table.Statistics.Replayed);
            AssertSameState(expected, table.Table.Current, "right after compaction at start");
            Assert.Equal(changed, Lines(_directory.JournalPath).Length);
            Assert.All(Lines(_directory.JournalPath), l => Assert.Contains("\texact\t", l, StringComparison.Ordinal));
            Assert.False(File.Exists(_directory.JournalPath + ".tmp"));

            // The compacted journal is the one appended to.
            Assert.Equal(1, table.Update(Exact(V4Prefix(30), HopA, 1)));
        }

        Assert.Equal(changed + 1, Lines(_directory.JournalPath).Length);
        using var reopened = _directory.Open(MaxMetric);
        Assert.False(reopened.Statistics.Compacted);
        Assert.Equal(changed + 1, reopened.Statistics.Replayed);
        expected = Reference(_directory.RoutesFile, [.. updates, Exact(V4Prefix(30), HopA, 1)], MaxMetric).Current;
        AssertSameState(expected, reopened.Table.Current, "after compaction at start and a restart");
    }

    [Fact]
    public void Journal_of_exactly_the_threshold_is_compacted_and_one_below_is_not()
    {
        var below = Toggling(DurableRouteTable.CompactionThreshold - 2); // + the final line: threshold - 1 entries
        Assert.Equal(DurableRouteTable.CompactionThreshold - 1, below.Count);
        WriteJournal(_directory.JournalPath, below);
        long length = new FileInfo(_directory.JournalPath).Length;
        using (var table = _directory.Open(MaxMetric))
        {
            Assert.False(table.Statistics.Compacted);
            Assert.Equal(length, new FileInfo(_directory.JournalPath).Length);
        }

        var at = Toggling(DurableRouteTable.CompactionThreshold - 1);
        WriteJournal(_directory.JournalPath, at);
        using var compacted = _directory.Open(MaxMetric);
        Assert.True(compacted.Statistics.Compacted);
        AssertSameState(Reference(_directory.RoutesFile, at, MaxMetric).Current, compacted.Table.Current, "compacted at exactly the threshold");
    }

    [Fact]
    public void Journal_that_changes_more_than_half_as_many_routes_as_it_has_entries_is_left_alone()
    {
        using var wide = new TempJournalDirectory(v4Prefixes: 6000, v6Prefixes: 0);
        // 10,000 entries over 6,000 distinct routes: compaction would keep more than half of them.
        var updates = Enumerable.Range(0, DurableRouteTable.CompactionThreshold).Select(i => Exact(V4Prefix(i % 6000), HopA, (i % 50) + 1)).ToList();
        WriteJournal(wide.JournalPath, updates);
        long length = new FileInfo(wide.JournalPath).Length;

        using var table = wide.Open(MaxMetric);
        Assert.False(table.Statistics.Compacted);
        Assert.Null(table.Statistics.CompactionError);
        Assert.Equal(length, new FileInfo(wide.JournalPath).Length);
        AssertSameState(Reference(wide.RoutesFile, updates, MaxMetric).Current, table.Table.Current, "uncompacted");
    }

    [Fact]
    public void Updates_past_the_threshold_compact_while_running_and_the_state_survives_a_reopen()
    {
        var updates = Toggling(DurableRouteTable.CompactionThreshold + 300);
        var expected = Reference(_directory.RoutesFile, [], MaxMetric);
        int compactedAt = -1;
        using (var table = _directory.Open(MaxMetric))
        {
            for (int i = 0; i < updates.Count; i++)
            {
                Assert.True(table.Update(updates[i]) > 0);
                expected.Apply(updates[i]);
                if (i == DurableRouteTable.CompactionThreshold - 2)
                {
                    Assert.Equal(DurableRouteTable.CompactionThreshold - 1, Lines(_directory.JournalPath).Length);
                }

                if (i == DurableRouteTable.CompactionThreshold - 1)
                {
                    // The 10,000th entry: the journal is now one line per changed route.
                    compactedAt = expected.Current.ChangedRoutes().Count;
                    Assert.Equal(compactedAt, Lines(_directory.JournalPath).Length);
                    Assert.Null(table.LastCompactionError);
                }
            }

            Assert.Null(table.LastCompactionError);
            AssertSameState(expected.Current, table.Table.Current, "while running");
        }

        Assert.InRange(compactedAt, 1, 100);
        Assert.Equal(compactedAt + 301, Lines(_directory.JournalPath).Length); // 300 more plus the final toggle-back
        using var reopened = _directory.Open(MaxMetric);
        Assert.Equal(compactedAt + 301, reopened.Statistics.Replayed);
        Assert.False(reopened.Statistics.Compacted);
        AssertSameState(expected.Current, reopened.Table.Current, "after online compaction and a restart");
    }

    [Fact]
    public void Failed_compaction_at_start_is_reported_and_leaves_a_valid_journal()
    {
        var updates = Toggling(DurableRouteTable.CompactionThreshold + 10);
        WriteJournal(_directory.JournalPath, updates);
        byte[] before = File.ReadAllBytes(_directory.JournalPath);
        Directory.CreateDirectory(_directory.JournalPath + ".tmp"); // the temporary file cannot be created
        var expected = Reference(_directory.RoutesFile, updates, MaxMetric).Current;

        using (var table = _directory.Open(MaxMetric))
        {
            Assert.False(table.Statistics.Compacted);
            Assert.NotNull(table.Statistics.CompactionError);
            Assert.Equal(before, File.ReadAllBytes(_directory.JournalPath));
            AssertSameState(expected, table.Table.Current, "after a failed compaction at start");
            Assert.Equal(1, table.Update(Exact(V4Prefix(40), HopB, 2))); // the journal still takes appends
        }

        Directory.Delete(_directory.JournalPath + ".tmp");
        using var reopened = _directory.Open(MaxMetric);
        Assert.True(reopened.Statistics.Compacted, $"compaction error: {reopened.Statistics.CompactionError}");
        Assert.Equal(updates.Count + 1, reopened.Statistics.Replayed);
        AssertSameState(Reference(_directory.RoutesFile, [.. updates, Exact(V4Prefix(40), HopB, 2)], MaxMetric).Current, reopened.Table.Current, "after the retried compaction");
    }

    [Fact]
    public void Failed_online_compaction_sets_LastCompactionError_and_updates_go_on()
    {
        var updates = Toggling(DurableRouteTable.CompactionThreshold + 20);
        var expected = Reference(_directory.RoutesFile, [], MaxMetric);
        using (var table = _directory.Open(MaxMetric))
        {
            Directory.CreateDirectory(_directory.JournalPath + ".tmp");
            foreach (var update in updates)
            {
                Assert.True(table.Update(update) > 0);
                expected.Apply(update);
            }

            Assert.NotNull(table.LastCompactionError);
            Assert.Equal(updates.Count, Lines(_directory.JournalPath).Length);
            AssertSameState(expected.Current, table.Table.Current, "after a failed online compaction");
        }

        Directory.Delete(_directory.JournalPath + ".tmp");
        using var reopened = _directory.Open(MaxMetric);
        Assert.Equal(updates.Count, reopened.Statistics.Replayed);
        Assert.True(reopened.Statistics.Compacted);
        AssertSameState(expected.Current, reopened.Table.Current, "after a failed online compaction and a restart");
    }
}
