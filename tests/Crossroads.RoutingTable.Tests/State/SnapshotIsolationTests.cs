using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable.Tests.State;

public sealed class SnapshotIsolationTests
{
    private static readonly IpAddress HopA = IpAddress.Parse("192.168.0.1");
    private static readonly IpAddress HopB = IpAddress.Parse("192.168.0.2");
    private static readonly IpAddress HopV6 = IpAddress.Parse("2001:db8::1");

    [Fact]
    public void Old_snapshot_is_unchanged_after_updates()
    {
        RouteTable table = Table(out _);
        RouteTableSnapshot before = table.Current;
        var routesBefore = AllRoutes(before);
        var lookupsBefore = Probes().Select(a => before.LookupIndex(a)).ToList();

        Assert.Equal(4096, table.Apply(new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopB, 1, MatchKind.OrLonger)));
        Assert.Equal(1, table.Apply(new MetricUpdate(IpPrefix.Parse("2001:db8::/32"), HopV6, 5, MatchKind.Exact)));
        table.ApplyAll([new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopA, 1, MatchKind.Exact)]);

        Assert.Equal(routesBefore, AllRoutes(before));
        Assert.Equal(lookupsBefore, Probes().Select(a => before.LookupIndex(a)).ToList());
        Assert.Equal(0, before.Version);
        Assert.Equal(3, table.Current.Version);
        Assert.NotEqual(routesBefore, AllRoutes(table.Current));
        // And the update did take effect: inside the /8, the /24s now prefer B.
        Assert.True(table.Current.TryLookup(IpAddress.Parse("10.0.5.9"), out Route route));
        Assert.Equal(HopB, route.NextHop);
    }

    [Fact]
    public void Apply_with_a_throwing_commit_publishes_nothing()
    {
        RouteTable table = Table(out _);
        RouteTableSnapshot before = table.Current;
        var update = new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopB, 1, MatchKind.OrLonger);
        var thrown = new InvalidOperationException("journal write failed");
        var e = Assert.Throws<InvalidOperationException>(() => table.Apply(update, _ => throw thrown));
        Assert.Same(thrown, e);
        Assert.Same(before, table.Current);
        Assert.Equal(0, table.Current.Version);
        Assert.All(AllRoutes(table.Current), r => Assert.Equal(RouteTable.DefaultMaxMetric, r.Metric));

        // The next update starts from the unchanged state.
        MetricUpdate? committed = null;
        Assert.Equal(4096, table.Apply(update, u => committed = u));
        Assert.Same(update, committed);
        Assert.Equal(1, table.Current.Version);
    }

    [Fact]
    public void Commit_sees_the_update_before_readers_do()
    {
        RouteTable table = Table(out _);
        RouteTableSnapshot? seenDuringCommit = null;
        table.Apply(new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopA, 7, MatchKind.Exact), _ => seenDuringCommit = table.Current);
        Assert.Equal(0, seenDuringCommit!.Version);
        Assert.Equal(1, table.Current.Version);
    }

    [Fact]
    public void Update_matching_nothing_neither_commits_nor_bumps_the_version()
    {
        RouteTable table = Table(out _);
        RouteTableSnapshot before = table.Current;
        bool committed = false;
        Assert.Equal(0, table.Apply(new MetricUpdate(IpPrefix.Parse("11.0.0.0/8"), HopA, 7, MatchKind.OrLonger), _ => committed = true));
        Assert.Equal(0, table.Apply(new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), IpAddress.Parse("9.9.9.9"), 7, MatchKind.OrLonger), _ => committed = true));
        Assert.Equal(0, table.Apply(new MetricUpdate(IpPrefix.Parse("10.0.0.0/9"), HopA, 7, MatchKind.Exact), _ => committed = true));
        Assert.False(committed);
        Assert.Same(before, table.Current);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(RouteTable.DefaultMaxMetric + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Metric_out_of_range_throws_and_publishes_nothing(int metric)
    {
        RouteTable table = Table(out _);
        RouteTableSnapshot before = table.Current;
        var bad = new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopA, metric, MatchKind.Exact);
        var good = new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopA, 5, MatchKind.Exact);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Apply(bad));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.ApplyAll([good, bad]));
        // Even for an update that would match nothing, the metric is validated.
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Apply(bad with { NextHop = IpAddress.Parse("9.9.9.9") }));
        Assert.Same(before, table.Current);
    }

    [Fact]
    public void Metric_range_follows_the_table_maximum()
    {
        var builder = new RouteListBuilder();
        builder.Add(IpPrefix.Parse("10.0.0.0/8"), HopA);
        RouteTable table = RouteTable.Create(builder, maxMetric: 10);
        Assert.Equal(10, table.Current.GetRoute(0).Metric);
        Assert.Equal(1, table.Apply(new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopA, 10, MatchKind.Exact)));
        Assert.Equal(1, table.Apply(new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopA, 1, MatchKind.Exact)));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Apply(new MetricUpdate(IpPrefix.Parse("10.0.0.0/8"), HopA, 11, MatchKind.Exact)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RouteTable.Create(builder, maxMetric: 0));
    }

    [Fact]
    public void Two_tables_built_from_the_same_builder_are_identical()
    {
        // Next hops are added in descending order so that insertion ids differ from sorted ranks.
        var builder = new RouteListBuilder();
        builder.Add(IpPrefix.Parse("10.0.0.0/8"), HopB);
        builder.Add(IpPrefix.Parse("10.0.0.0/8"), HopA);
        builder.Add(IpPrefix.Parse("10.1.0.0/16"), HopB);
        builder.Add(IpPrefix.Parse("2001:db8::/32"), HopV6);
        builder.Add(IpPrefix.Parse("2001:db8::/32"), HopB);
        var first = AllRoutes(RouteTable.Create(builder).Current);
        var second = AllRoutes(RouteTable.Create(builder).Current);
        Assert.Equal(first, second);
        Assert.Contains(second, r => r.Prefix == IpPrefix.Parse("10.1.0.0/16") && r.NextHop == HopB);
    }

    // 10.0.0.0/8 via A, and 4096 /24s inside it via A and B (8192 routes), plus one IPv6 route.
    private static RouteTable Table(out RouteListBuilder builder)
    {
        builder = new RouteListBuilder();
        builder.Add(IpPrefix.Parse("10.0.0.0/8"), HopA);
        for (int i = 0; i < 4096; i++)
        {
            var prefix = new IpPrefix(IpAddress.V4(0x0A00_0000u | ((uint)i << 8)), 24);
            builder.Add(prefix, HopA);
            builder.Add(prefix, HopB);
        }

        builder.Add(IpPrefix.Parse("2001:db8::/32"), HopV6);
        return RouteTable.Create(builder);
    }

    private static List<Route> AllRoutes(RouteTableSnapshot snapshot) =>
        [.. Enumerable.Range(0, snapshot.RouteCount).Select(snapshot.GetRoute)];

    private static IEnumerable<IpAddress> Probes() =>
        new[] { "10.0.0.1", "10.0.5.9", "10.15.255.255", "10.16.0.0", "10.255.255.255", "2001:db8::5", "11.0.0.0" }.Select(IpAddress.Parse);
}
