using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Tests.Support;

namespace Crossroads.RoutingTable.Tests.Lookup;

/// <summary>
/// IPv4 bulk lookups resolve winners per snapshot like single lookups: prefixes with several next hops whose winner
/// changes with metric updates, nested under a default route and a /32, around /24 boundaries. Batches are long
/// enough for the prefetching pipeline and shuffled so that neighbours in a batch are unrelated.
/// </summary>
public sealed class BulkWinnerTests
{
    private static readonly IpAddress A = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress B = IpAddress.Parse("192.0.2.2");
    private static readonly IpAddress C = IpAddress.Parse("2001:db8::1");

    private static readonly (string Prefix, IpAddress Hop)[] Routes =
    [
        ("0.0.0.0/0", A), ("0.0.0.0/0", B),
        ("10.0.0.0/8", C),
        ("10.0.0.0/24", A), ("10.0.0.0/24", B), ("10.0.0.0/24", C),
        ("10.0.0.255/32", B), ("10.0.0.255/32", C),
        ("10.0.0.128/25", A),
        ("10.0.1.0/24", A),
        ("10.0.2.0/23", B), ("10.0.2.0/23", C),
        ("10.0.3.0/24", A),
        ("255.255.255.255/32", A), ("255.255.255.255/32", B),
    ];

    [Fact]
    public void Bulk_lookups_follow_winner_changes_and_keep_each_snapshot_isolated()
    {
        var builder = new RouteListBuilder();
        var pairs = Routes.Select(static r => (IpPrefix.Parse(r.Prefix), r.Hop)).ToList();
        pairs.ForEach(p => builder.Add(p.Item1, p.Hop));
        var table = RouteTable.Create(builder, maxMetric: 100);
        var naive = new NaiveRouteTable(pairs, maxMetric: 100);
        uint[] addresses = Addresses();

        var before = table.Current;
        int[] expectedBefore = Check(before, naive, addresses, "initial");

        MetricUpdate[] updates =
        [
            new(IpPrefix.Parse("10.0.0.0/24"), C, 5, MatchKind.Exact),          // C wins the /24
            new(IpPrefix.Parse("10.0.0.255/32"), C, 7, MatchKind.Exact),        // C wins the /32
            new(IpPrefix.Parse("0.0.0.0/0"), B, 1, MatchKind.Exact),            // B wins the default route
            new(IpPrefix.Parse("10.0.2.0/23"), C, 3, MatchKind.OrLonger),       // C wins the /23
            new(IpPrefix.Parse("255.255.255.255/32"), B, 9, MatchKind.Exact),   // the last address moves to B
        ];
        for (int u = 0; u < updates.Length; u++)
        {
            Assert.Equal(naive.Apply(updates[u]), table.Apply(updates[u]));
            Check(table.Current, naive, addresses, $"after update {u} ({updates[u]})");
        }

        // The first snapshot still answers as before the updates, single and bulk.
        int[] again = new int[addresses.Length];
        before.LookupV4(addresses, again);
        Assert.Equal(expectedBefore, again);
        Assert.Equal(expectedBefore, addresses.Select(before.LookupV4));

        // Back to equal metrics: the lowest next hop wins again.
        var reset = updates.Select(static u => u with { Metric = 100 }).ToArray();
        foreach (var update in reset)
        {
            naive.Apply(update);
            table.Apply(update);
        }

        Assert.Equal(expectedBefore, Check(table.Current, naive, addresses, "after the reset"));
    }

    private static int[] Check(RouteTableSnapshot snapshot, NaiveRouteTable naive, uint[] addresses, string when)
    {
        int[] bulk = new int[addresses.Length];
        snapshot.LookupV4(addresses, bulk);
        for (int i = 0; i < addresses.Length; i++)
        {
            var address = IpAddress.V4(addresses[i]);
            NaiveRoute? expected = naive.Lookup(address);
            int single = snapshot.LookupV4(addresses[i]);
            Assert.True(bulk[i] == single, $"{when}: {address}: bulk {bulk[i]}, single {single}");
            Assert.True(single >= 0 == expected is not null, $"{when}: {address}: found {single >= 0}, expected {expected}");
            if (expected is not null)
            {
                Route route = snapshot.GetRoute(single);
                Assert.True(
                    route.Prefix == expected.Prefix && route.NextHop == expected.NextHop,
                    $"{when}: {address}: got {route}, expected {expected}");
            }
        }

        return bulk;
    }

    // Boundaries of every prefix and their neighbours, repeated with random addresses until the batch is long.
    private static uint[] Addresses()
    {
        var random = new Random(10);
        var list = new List<uint>();
        foreach (var (text, _) in Routes)
        {
            var prefix = IpPrefix.Parse(text);
            uint first = (uint)prefix.Network.Value;
            uint last = first | (uint)RandomRoutes.HostMask(32, prefix.Length);
            list.AddRange([first, last, first - 1, last + 1]);
        }

        while (list.Count < 2000)
        {
            list.Add(random.Next(4) == 0 ? (uint)random.NextInt64(0, 1L << 32) : 0x0A00_0000u | (uint)random.Next(1024));
        }

        var array = list.ToArray();
        random.Shuffle(array);
        return array;
    }
}
