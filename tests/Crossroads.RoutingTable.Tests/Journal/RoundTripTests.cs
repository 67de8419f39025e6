using Crossroads.RoutingTable.Addressing;
using static Crossroads.RoutingTable.Tests.Journal.JournalTestTable;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>Updates made through <see cref="DurableRouteTable.Update"/> come back, route for route, after a reopen.</summary>
public sealed class RoundTripTests : IDisposable
{
    private const int MaxMetric = 100;
    private readonly TempJournalDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_updates_survive_a_reopen_route_for_route(int seed)
    {
        var rng = new Random(seed);
        IpPrefix[] prefixes =
        [
            IpPrefix.Parse("10.0.0.0/8"), IpPrefix.Parse("10.0.0.0/16"), IpPrefix.Parse(V4Prefix(3)), IpPrefix.Parse(V4Prefix(40)),
            IpPrefix.Parse("10.0.0.0/18"), IpPrefix.Parse("2001:db8::/32"), IpPrefix.Parse("2001:db8:5::/48"),
            IpPrefix.Parse("192.0.2.0/24"), // matches nothing
        ];
        IpAddress[] hops = [HopA, HopB, HopV6A, HopV6B, IpAddress.Parse("203.0.113.9")];
        int journaled = 0;
        Route[] before;
        long versionBefore;
        using (var table = _directory.Open(MaxMetric))
        {
            Assert.Equal(0, table.Statistics.Replayed);
            for (int i = 0; i < 300; i++)
            {
                var update = new MetricUpdate(
                    prefixes[rng.Next(prefixes.Length)], hops[rng.Next(hops.Length)], rng.Next(1, MaxMetric + 1), rng.Next(2) == 0 ? MatchKind.Exact : MatchKind.OrLonger);
                journaled += table.Update(update) > 0 ? 1 : 0;
            }

            before = RoutesOf(table.Table.Current);
            versionBefore = table.Table.Current.Version;
        }

        Assert.True(journaled > 50, $"seed {seed}: only {journaled} updates matched; the test would prove little");
        Assert.Equal(journaled, versionBefore);
        Assert.Equal(journaled, Lines(_directory.JournalPath).Length);
        Assert.Contains(before, r => r.Metric != MaxMetric);

        using var reopened = _directory.Open(MaxMetric);
        Assert.Equal(journaled, reopened.Statistics.Replayed);
        Assert.Equal(0, reopened.Statistics.ReplayedUnmatched);
        Assert.False(reopened.Statistics.DroppedTornTail);
        Assert.False(reopened.Statistics.Compacted);
        Assert.Null(reopened.Statistics.CompactionError);
        var after = RoutesOf(reopened.Table.Current);
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.True(before[i] == after[i], $"seed {seed}: route {i} was {before[i]} before the reopen, {after[i]} after");
        }
    }

    [Fact]
    public void Later_updates_win_on_replay_and_a_reopened_table_keeps_appending()
    {
        using (var table = _directory.Open(MaxMetric))
        {
            Assert.Equal(1, table.Update(OrLonger(V4Prefix(7), HopA, 9)));
            Assert.Equal(1, table.Update(Exact(V4Prefix(7), HopA, 4)));
            Assert.Equal(0, table.Update(Exact("192.0.2.0/24", HopA, 4))); // matches nothing: not journaled
        }

        Assert.Equal(2, Lines(_directory.JournalPath).Length);
        using (var table = _directory.Open(MaxMetric))
        {
            Assert.Equal(2, table.Statistics.Replayed);
            Assert.Equal(4, Metric(table, V4Prefix(7), HopA));
            Assert.Equal(1, table.Update(Exact(V4Prefix(7), HopB, 3)));
        }

        using var third = _directory.Open(MaxMetric);
        Assert.Equal(3, third.Statistics.Replayed);
        Assert.Equal(4, Metric(third, V4Prefix(7), HopA));
        Assert.Equal(3, Metric(third, V4Prefix(7), HopB));
        Assert.True(third.Table.Current.TryLookup(IpAddress.Parse("10.0.7.1"), out var winner));
        Assert.Equal(HopB, winner.NextHop);
    }

    [Fact]
    public void Entries_that_match_no_route_of_the_routes_file_are_counted_not_fatal()
    {
        WriteJournal(_directory.JournalPath, [Exact("192.0.2.0/24", HopA, 5), Exact(V4Prefix(1), HopA, 6), OrLonger("2001:db8:99::/48", HopV6A, 7)]);

        using var table = _directory.Open(MaxMetric);
        Assert.Equal(3, table.Statistics.Replayed);
        Assert.Equal(2, table.Statistics.ReplayedUnmatched);
        Assert.Equal(6, Metric(table, V4Prefix(1), HopA));
    }

    internal static int Metric(DurableRouteTable table, string prefix, IpAddress nextHop)
    {
        var snapshot = table.Table.Current;
        var (first, end) = snapshot.FindRoutes(IpPrefix.Parse(prefix), MatchKind.Exact);
        for (int r = first; r < end; r++)
        {
            var route = snapshot.GetRoute(r);
            if (route.NextHop == nextHop)
            {
                return route.Metric;
            }
        }

        throw new InvalidOperationException($"no route {prefix} via {nextHop}");
    }
}
