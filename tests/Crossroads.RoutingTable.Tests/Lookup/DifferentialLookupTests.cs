using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Tests.Support;

namespace Crossroads.RoutingTable.Tests.Lookup;

/// <summary>
/// The real table against <see cref="NaiveRouteTable"/> on random tables and random update sequences.
/// Every message names the seed; rerun one with <c>--filter "DisplayName~seed: N"</c>.
/// </summary>
public sealed class DifferentialLookupTests
{
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= 60; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_table_and_updates_match_the_naive_reference(int seed)
    {
        var random = new RandomRoutes(seed);
        Random rng = random.Rng;
        // Small maximum metrics make equal metrics (next-hop tie-breaks) common.
        int maxMetric = rng.Next(3) switch { 0 => 1, 1 => 4, _ => RouteTable.DefaultMaxMetric };
        IpAddress[] hops = random.NextHopPool();
        int prefixCount = seed % 10 == 0 ? 1500 : rng.Next(0, 120);
        var pairs = random.Table(prefixCount, hops);

        var builder = new RouteListBuilder();
        foreach (var (prefix, hop) in pairs)
        {
            builder.Add(prefix, hop);
        }

        var table = RouteTable.Create(builder, maxMetric);
        var naive = new NaiveRouteTable(pairs, maxMetric);
        var prefixes = naive.Routes.Select(static r => r.Prefix).Distinct().ToList();
        string context = $"seed {seed} (maxMetric {maxMetric}, {naive.Routes.Count} routes)";

        Assert.True(table.Current.RouteCount == naive.Routes.Count, $"{context}: RouteCount {table.Current.RouteCount}");
        Assert.True(table.Current.PrefixCount == prefixes.Count, $"{context}: PrefixCount {table.Current.PrefixCount}, expected {prefixes.Count}");
        Assert.True(table.Current.MaxMetric == maxMetric, $"{context}: MaxMetric");

        for (int round = 0; round < 12; round++)
        {
            string at = $"{context}, round {round}";
            RouteTableSnapshot snapshot = table.Current;
            Assert.True(snapshot.Version == naive.Version, $"{at}: version {snapshot.Version}, expected {naive.Version}");
            CheckRoutes(snapshot, naive, at);
            CheckLookups(snapshot, naive, random.Addresses(prefixes, 150), at);
            CheckFindRoutes(snapshot, naive, random, prefixes, at);

            for (int u = 0; u < 8; u++)
            {
                ApplyRandomUpdates(table, naive, random, prefixes, hops, maxMetric, $"{at}, update {u}");
            }
        }
    }

    [Theory]
    [InlineData(101)]
    [InlineData(102)]
    [InlineData(103)]
    public void Batch_lookups_equal_single_lookups(int seed)
    {
        var random = new RandomRoutes(seed);
        IpAddress[] hops = random.NextHopPool();
        var pairs = random.Table(800, hops);
        var builder = new RouteListBuilder();
        pairs.ForEach(p => builder.Add(p.Prefix, p.NextHop));
        var table = RouteTable.Create(builder, maxMetric: 3);
        var prefixes = pairs.Select(static p => p.Prefix).Distinct().ToList();
        foreach (var (prefix, hop) in pairs.Take(200))
        {
            table.Apply(new MetricUpdate(prefix, hop, random.Rng.Next(1, 4), MatchKind.Exact));
        }

        var snapshot = table.Current;
        var addresses = random.Addresses(prefixes, 5000);
        uint[] v4 = [.. addresses.Where(static a => !a.IsV6).Select(static a => (uint)a.Value)];
        UInt128[] v6 = [.. addresses.Where(static a => a.IsV6).Select(static a => a.Value)];
        int[] v4Routes = new int[v4.Length + 3];
        int[] v6Routes = new int[v6.Length + 3];
        v4Routes.AsSpan().Fill(-7);
        v6Routes.AsSpan().Fill(-7);
        snapshot.LookupV4(v4, v4Routes);
        snapshot.LookupV6(v6, v6Routes);
        for (int i = 0; i < v4.Length; i++)
        {
            Assert.True(v4Routes[i] == snapshot.LookupV4(v4[i]), $"seed {seed}: batch v4 {IpAddress.V4(v4[i])}");
        }

        for (int i = 0; i < v6.Length; i++)
        {
            Assert.True(v6Routes[i] == snapshot.LookupIndex(IpAddress.V6(v6[i])), $"seed {seed}: batch v6 {IpAddress.V6(v6[i])}");
        }

        // Extra room in the output span is left alone.
        Assert.Equal([-7, -7, -7], v4Routes[^3..]);
        Assert.Equal([-7, -7, -7], v6Routes[^3..]);
        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.LookupV4(v4, new int[v4.Length - 1]));
    }

    private static void ApplyRandomUpdates(
        RouteTable table, NaiveRouteTable naive, RandomRoutes random, List<IpPrefix> prefixes, IpAddress[] hops, int maxMetric, string at)
    {
        Random rng = random.Rng;
        int count = rng.Next(4) == 0 ? rng.Next(0, 4) : 1;
        var updates = new List<MetricUpdate>();
        for (int i = 0; i < count; i++)
        {
            updates.Add(RandomUpdate(random, prefixes, hops, maxMetric));
        }

        if (count == 1 && rng.Next(2) == 0)
        {
            int expected = naive.Apply(updates[0]);
            int commits = 0;
            int matched = table.Apply(updates[0], u => commits += u == updates[0] ? 1 : 100);
            Assert.True(matched == expected, $"{at}: Apply({updates[0]}) matched {matched}, expected {expected}");
            Assert.True(commits == (expected > 0 ? 1 : 0), $"{at}: commit ran {commits} times for {updates[0]}");
            return;
        }

        var expectedAll = updates.Select(naive.Apply).ToList();
        var matchedAll = table.ApplyAll(updates);
        Assert.True(
            matchedAll.SequenceEqual(expectedAll),
            $"{at}: ApplyAll({string.Join(", ", updates)}) matched [{string.Join(", ", matchedAll)}], expected [{string.Join(", ", expectedAll)}]");
    }

    private static MetricUpdate RandomUpdate(RandomRoutes random, List<IpPrefix> prefixes, IpAddress[] hops, int maxMetric)
    {
        Random rng = random.Rng;
        IpPrefix prefix;
        int kind = prefixes.Count == 0 ? 3 : rng.Next(5);
        if (kind <= 1)
        {
            prefix = prefixes[rng.Next(prefixes.Count)];
        }
        else if (kind == 2)
        {
            // A shorter prefix covering an existing one: orlonger reaches it, exact usually does not.
            IpPrefix existing = prefixes[rng.Next(prefixes.Count)];
            prefix = RandomRoutes.Truncate(existing, rng.Next(existing.Length + 1));
        }
        else if (kind == 3)
        {
            bool v6 = rng.Next(2) == 0;
            prefix = rng.Next(4) == 0 ? new IpPrefix(new IpAddress(UInt128.Zero, v6), 0) : random.NewPrefix(v6, random.NextLength(v6));
        }
        else
        {
            prefix = random.Inside(prefixes[rng.Next(prefixes.Count)]);
        }

        IpAddress hop = rng.Next(8) == 0 ? IpAddress.V4(0x0102_0304) : hops[rng.Next(hops.Length)];
        int metric = rng.Next(4) == 0 ? (rng.Next(2) == 0 ? 1 : maxMetric) : rng.Next(1, maxMetric + 1);
        return new MetricUpdate(prefix, hop, metric, rng.Next(2) == 0 ? MatchKind.Exact : MatchKind.OrLonger);
    }

    private static void CheckRoutes(RouteTableSnapshot snapshot, NaiveRouteTable naive, string at)
    {
        var byPair = naive.Routes.ToDictionary(static r => (r.Prefix, r.NextHop));
        var seen = new HashSet<(IpPrefix, IpAddress)>();
        for (int i = 0; i < snapshot.RouteCount; i++)
        {
            Route route = snapshot.GetRoute(i);
            Assert.True(byPair.TryGetValue((route.Prefix, route.NextHop), out var expected), $"{at}: GetRoute({i}) = {route} is not a loaded route");
            Assert.True(seen.Add((route.Prefix, route.NextHop)), $"{at}: GetRoute({i}) = {route} appears twice");
            Assert.True(route.Metric == expected.Metric, $"{at}: GetRoute({i}) = {route}, expected metric {expected.Metric}");
            bool active = ReferenceEquals(naive.Winner(route.Prefix), expected);
            Assert.True(route.Active == active, $"{at}: GetRoute({i}) = {route}, expected Active {active}");
            Assert.True(snapshot.NextHopText(i) == route.NextHop.ToString(), $"{at}: NextHopText({i})");
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.GetRoute(snapshot.RouteCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.GetRoute(-1));
    }

    private static void CheckLookups(RouteTableSnapshot snapshot, NaiveRouteTable naive, List<IpAddress> addresses, string at)
    {
        foreach (IpAddress address in addresses)
        {
            List<NaiveRoute> matching = naive.Matching(address);
            NaiveRoute? expected = matching.FirstOrDefault();
            bool found = snapshot.TryLookup(address, out Route route);
            string what = $"{at}: lookup {address}";
            Assert.True(found == (expected is not null), $"{what}: found {found} ({route}), expected {expected?.ToString() ?? "no route"}");
            int index = snapshot.LookupIndex(address);
            int direct = address.IsV6 ? snapshot.LookupV6((ulong)(address.Value >> 64), (ulong)address.Value) : snapshot.LookupV4((uint)address.Value);
            Assert.True(index == direct, $"{what}: LookupIndex {index} but LookupV4/V6 {direct}");
            if (expected is not null)
            {
                Assert.True(
                    route.Prefix == expected.Prefix && route.NextHop == expected.NextHop && route.Metric == expected.Metric && route.Active,
                    $"{what}: got {route}, expected {expected}");
                Assert.True(snapshot.GetRoute(index) == route, $"{what}: GetRoute(LookupIndex) differs from TryLookup");
            }
            else
            {
                Assert.True(index == -1, $"{what}: index {index} without a route");
            }

            IReadOnlyList<Route> explained = snapshot.Explain(address);
            bool same = explained.Count == matching.Count && explained.Zip(matching).All(static p =>
                p.First.Prefix == p.Second.Prefix && p.First.NextHop == p.Second.NextHop && p.First.Metric == p.Second.Metric);
            Assert.True(
                same,
                $"{what}: Explain gave\n  {string.Join("\n  ", explained)}\nexpected\n  {string.Join("\n  ", matching)}");
        }
    }

    private static void CheckFindRoutes(RouteTableSnapshot snapshot, NaiveRouteTable naive, RandomRoutes random, List<IpPrefix> prefixes, string at)
    {
        var probes = new List<IpPrefix>
        {
            new(IpAddress.V4(0), 0),
            new(IpAddress.V6(UInt128.Zero), 0),
            IpPrefix.Parse("255.255.255.255/32"),
            IpPrefix.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
        };
        for (int i = 0; i < 20 && prefixes.Count > 0; i++)
        {
            IpPrefix p = prefixes[random.Rng.Next(prefixes.Count)];
            probes.Add(p);
            probes.Add(RandomRoutes.Truncate(p, random.Rng.Next(p.Length + 1)));
            probes.Add(random.Inside(p));
        }

        foreach (IpPrefix probe in probes)
        {
            foreach (MatchKind match in new[] { MatchKind.Exact, MatchKind.OrLonger })
            {
                (int first, int end) = snapshot.FindRoutes(probe, match);
                var got = Enumerable.Range(first, Math.Max(0, end - first))
                    .Select(i => snapshot.GetRoute(i))
                    .Select(static r => $"{r.Prefix} via {r.NextHop}")
                    .Order(StringComparer.Ordinal);
                var expected = naive.Selected(probe, match)
                    .Select(static r => $"{r.Prefix} via {r.NextHop}")
                    .Order(StringComparer.Ordinal);
                Assert.True(
                    got.SequenceEqual(expected),
                    $"{at}: FindRoutes({probe}, {match}) = [{first}, {end}): {string.Join(", ", got)}; expected {string.Join(", ", expected)}");
            }
        }
    }
}
