using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Tests.Support;
using static Crossroads.RoutingTable.Tests.Journal.JournalTestTable;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// Random tables (nested v4/v6 prefixes from /0 to /128, IPv4-mapped IPv6 next hops, duplicates) and random updates:
/// what a reopen replays, and what a compacted journal replays, equals the table that took the updates in memory.
/// Every message names the seed.
/// </summary>
public sealed class RandomTableJournalTests
{
    public static TheoryData<int> Seeds() => [11, 12, 13, 14, 15, 16];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Journal_replay_and_its_compacted_form_equal_the_in_memory_table(int seed)
    {
        var random = new RandomRoutes(seed);
        Random rng = random.Rng;
        int maxMetric = rng.Next(2) == 0 ? 7 : RouteTable.DefaultMaxMetric;
        IpAddress[] hops = random.NextHopPool();
        var pairs = random.Table(150, hops);
        using var directory = new TempDirectory();
        string routes = directory.WriteText("routes.txt", string.Concat(pairs.Select(p => $"{p.Prefix};{p.NextHop}\n")));
        string journal = System.IO.Path.Combine(directory.Path, "routes.txt.journal");
        var prefixes = pairs.Select(static p => p.Prefix).Distinct().ToList();
        var reference = Reference(routes, [], maxMetric);
        string context = $"seed {seed} (maxMetric {maxMetric}, {reference.Current.RouteCount} routes)";

        int journaled = 0;
        using (var table = DurableRouteTable.Open(routes, journal, maxMetric))
        {
            for (int i = 0; i < 400; i++)
            {
                IpPrefix prefix = rng.Next(4) == 0 ? RandomRoutes.Truncate(prefixes[rng.Next(prefixes.Count)], rng.Next(0, 9)) : prefixes[rng.Next(prefixes.Count)];
                var update = new MetricUpdate(prefix, hops[rng.Next(hops.Length)], rng.Next(1, maxMetric + 1), rng.Next(2) == 0 ? MatchKind.Exact : MatchKind.OrLonger);
                int matched = table.Update(update);
                Assert.True(matched == reference.Apply(update), $"{context}: update {i} {update} matched {matched}");
                journaled += matched > 0 ? 1 : 0;
            }

            AssertSameState(reference.Current, table.Table.Current, $"{context}: in memory");
        }

        using (var reopened = DurableRouteTable.Open(routes, journal, maxMetric))
        {
            Assert.True(reopened.Statistics.Replayed == journaled, $"{context}: replayed {reopened.Statistics.Replayed}, journaled {journaled}");
            AssertSameState(reference.Current, reopened.Table.Current, $"{context}: after a reopen");
        }

        // The compacted form: the journal as compaction writes it must replay to the same state.
        WriteJournal(journal, reference.Current.ChangedRoutes());
        using var compacted = DurableRouteTable.Open(routes, journal, maxMetric);
        Assert.Equal(0, compacted.Statistics.ReplayedUnmatched);
        AssertSameState(reference.Current, compacted.Table.Current, $"{context}: from the compacted form");
    }
}
