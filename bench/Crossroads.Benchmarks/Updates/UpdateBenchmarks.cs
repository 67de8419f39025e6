using BenchmarkDotNet.Attributes;
using Crossroads.Benchmarks.Lookup;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.Benchmarks.Updates;

/// <summary>
/// Metric updates on the full table, in memory (the HTTP path adds a journal fsync, measured with wrk).
/// Each update alternates between two metrics so every call really changes the table. The *WinnerFlip variants
/// change which route of a prefix wins on every call, so the FIB leaves are rewritten each time (the others keep
/// their winners after the first call, as most metric updates do).
/// </summary>
[Config(typeof(LookupConfig))]
public class UpdateBenchmarks
{
    private RouteTable _table = null!;
    private MetricUpdate[] _exact = null!;
    private MetricUpdate[] _orLonger = null!;
    private MetricUpdate[] _exactFlip = null!;
    private MetricUpdate[] _orLongerFlip = null!;
    private int _next;

    /// <summary>Routes the orlonger update touches (picked in setup as close to 10,000 as the table allows).</summary>
    public int OrLongerRoutes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = SharedTable.Get();
        var snapshot = _table.Current;
        var random = new Random(7);
        var route = snapshot.GetRoute(random.Next(snapshot.V4RouteCount));
        _exact =
        [
            new MetricUpdate(route.Prefix, route.NextHop, 100, MatchKind.Exact),
            new MetricUpdate(route.Prefix, route.NextHop, 200, MatchKind.Exact),
        ];
        (var prefix, var nextHop, OrLongerRoutes) = FindOrLongerTarget(snapshot, 10_000);
        _orLonger =
        [
            new MetricUpdate(prefix, nextHop, 100, MatchKind.OrLonger),
            new MetricUpdate(prefix, nextHop, 200, MatchKind.OrLonger),
        ];
        Console.WriteLine($"// orlonger target {prefix} via {nextHop}: {OrLongerRoutes} routes");

        // A prefix with several routes: its second route alternates between beating the first (1) and losing to it
        // (the maximum: equal metrics go to the first).
        int multi = Enumerable.Range(0, snapshot.V4RouteCount - 1)
            .First(r => snapshot.GetRoutePrefix(r) == snapshot.GetRoutePrefix(r + 1) && random.Next(1000) == 0);
        var second = snapshot.GetRoute(multi + 1);
        _exactFlip =
        [
            new MetricUpdate(second.Prefix, second.NextHop, 1, MatchKind.Exact),
            new MetricUpdate(second.Prefix, second.NextHop, snapshot.MaxMetric, MatchKind.Exact),
        ];
        // The orlonger target's next hop likewise: it wins every prefix of the range it is on, then loses those where
        // it is not the lowest next hop.
        _orLongerFlip =
        [
            new MetricUpdate(prefix, nextHop, 1, MatchKind.OrLonger),
            new MetricUpdate(prefix, nextHop, snapshot.MaxMetric, MatchKind.OrLonger),
        ];
    }

    [Benchmark]
    public int Exact() => _table.Apply(_exact[_next++ & 1]);

    [Benchmark]
    public int OrLonger10k() => _table.Apply(_orLonger[_next++ & 1]);

    [Benchmark]
    public int ExactWinnerFlip() => _table.Apply(_exactFlip[_next++ & 1]);

    [Benchmark]
    public int OrLonger10kWinnerFlip() => _table.Apply(_orLongerFlip[_next++ & 1]);

    // A prefix (not necessarily in the table) and next hop whose orlonger selection is closest to the wanted
    // size: candidates are table networks cut to /1../16, sampled with a fixed seed.
    private static (IpPrefix, IpAddress, int) FindOrLongerTarget(RouteTableSnapshot snapshot, int wanted)
    {
        var random = new Random(11);
        var best = (snapshot.GetRoute(0).Prefix, snapshot.GetRoute(0).NextHop, 0);
        for (int sample = 0; sample < 64; sample++)
        {
            int r = random.Next(snapshot.V4RouteCount);
            var route = snapshot.GetRoute(r);
            string nextHop = snapshot.NextHopText(r);
            for (int length = 16; length >= 1; length--)
            {
                uint mask = uint.MaxValue << (32 - length);
                var candidate = new IpPrefix(IpAddress.V4((uint)route.Prefix.Network.Value & mask), length);
                (int first, int end) = snapshot.FindRoutes(candidate, MatchKind.OrLonger);
                int matching = 0;
                for (int i = first; i < end; i++)
                {
                    // Next-hop texts are shared per distinct next hop, so reference equality is enough.
                    matching += ReferenceEquals(snapshot.NextHopText(i), nextHop) ? 1 : 0;
                }

                if (Math.Abs(matching - wanted) < Math.Abs(best.Item3 - wanted))
                {
                    best = (candidate, route.NextHop, matching);
                }

                if (matching > wanted)
                {
                    break;
                }
            }
        }

        return best;
    }
}
