using System.Collections.Concurrent;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable.Tests.Concurrency;

/// <summary>
/// Readers look up while a writer flips thousands of routes between two metric states. The whole update
/// sequence is computed up front, so every published version has one known state; a reader checks each answer
/// against the state of the snapshot it read, that it never sees a version that should not exist (a
/// half-applied <see cref="RouteTable.ApplyAll"/>), and that versions never go backwards for it.
/// </summary>
public sealed class ConcurrentReadWriteTests
{
    private const int Seed = 4242;
    private const int Readers = 3;
    private const int Steps = 1500;

    private static readonly IpAddress HopA = IpAddress.Parse("192.168.0.1");
    private static readonly IpAddress HopB = IpAddress.Parse("192.168.0.2");
    private static readonly IpPrefix V4Block = IpPrefix.Parse("10.0.0.0/8");
    private static readonly IpPrefix V6Block = IpPrefix.Parse("2001:db8::/32");

    [Fact]
    public void Readers_see_whole_snapshots_in_version_order_while_a_writer_updates()
    {
        var builder = new RouteListBuilder();
        builder.Add(V4Block, HopA);
        for (int i = 0; i < 4096; i++)
        {
            var v4 = new IpPrefix(IpAddress.V4(0x0A00_0000u | ((uint)i << 8)), 24); // 10.0.0.0/24 .. 10.15.255.0/24
            builder.Add(v4, HopA);
            builder.Add(v4, HopB);
            var v6 = new IpPrefix(IpAddress.V6(((UInt128)0x2001_0db8UL << 96) | ((UInt128)(uint)i << 80)), 48);
            builder.Add(v6, HopA);
            builder.Add(v6, HopB);
        }

        RouteTable table = RouteTable.Create(builder);
        var (steps, states) = Plan();

        var failures = new ConcurrentQueue<string>();
        using var started = new CountdownEvent(Readers);
        var writerDone = new ManualResetEventSlim();
        long lookups = 0;
        var readers = Enumerable.Range(0, Readers).Select(r => new Thread(() =>
        {
            var rng = new Random(Seed + r);
            long lastVersion = -1;
            long count = 0;
            void LookupOnce()
            {
                RouteTableSnapshot snapshot = table.Current;
                IpAddress address = RandomAddress(rng);
                string? problem = Check(snapshot, address, states, lastVersion);
                if (problem is not null)
                {
                    failures.Enqueue($"seed {Seed + r}: {problem}");
                }

                lastVersion = snapshot.Version;
                count++;
            }

            LookupOnce(); // before the writer starts
            started.Signal();
            while (!writerDone.IsSet && failures.Count < 20)
            {
                LookupOnce();
            }

            LookupOnce(); // after it finished: must see the final version
            Interlocked.Add(ref lookups, count);
        })).ToList();
        readers.ForEach(static t => t.Start());

        started.Wait(TimeSpan.FromSeconds(10));
        foreach (var step in steps)
        {
            if (step.Length == 1)
            {
                table.Apply(step[0]);
            }
            else
            {
                table.ApplyAll(step);
            }
        }

        writerDone.Set();
        readers.ForEach(static t => t.Join());

        Assert.True(failures.IsEmpty, $"{failures.Count} inconsistent reads (seed {Seed}):\n{string.Join("\n", failures.Take(20))}");
        Assert.Equal(states.Keys.Max(), table.Current.Version);
        Assert.True(lookups > Readers * 2, $"readers did only {lookups} lookups");
    }

    // One state per published version: the metrics of A and B in the IPv4 and IPv6 blocks.
    private sealed record State(int A4, int B4, int A6, int B6);

    private static (List<MetricUpdate[]> Steps, Dictionary<long, State> States) Plan()
    {
        var rng = new Random(Seed);
        var steps = new List<MetricUpdate[]>();
        var state = new State(RouteTable.DefaultMaxMetric, RouteTable.DefaultMaxMetric, RouteTable.DefaultMaxMetric, RouteTable.DefaultMaxMetric);
        var states = new Dictionary<long, State> { [0] = state };
        long version = 0;
        for (int s = 0; s < Steps; s++)
        {
            // Two metric levels so that every step flips which next hop wins somewhere.
            int low = rng.Next(1, 100);
            int high = rng.Next(100, 200);
            var step = rng.Next(3) switch
            {
                0 => new[] { Update(V4Block, HopA, state.A4 < 100 ? high : low) },
                1 => [Update(V6Block, HopB, state.B6 < 100 ? high : low)],
                // Several updates as one snapshot: the intermediate versions must never be visible.
                _ => [Update(V4Block, HopA, high), Update(V4Block, HopB, low), Update(V6Block, HopA, low), Update(V6Block, HopB, high)],
            };
            foreach (var update in step)
            {
                state = (update.Prefix == V4Block, update.NextHop == HopA) switch
                {
                    (true, true) => state with { A4 = update.Metric },
                    (true, false) => state with { B4 = update.Metric },
                    (false, true) => state with { A6 = update.Metric },
                    _ => state with { B6 = update.Metric },
                };
                version++;
            }

            states[version] = state;
            steps.Add(step);
        }

        return (steps, states);
    }

    private static MetricUpdate Update(IpPrefix prefix, IpAddress hop, int metric) => new(prefix, hop, metric, MatchKind.OrLonger);

    private static IpAddress RandomAddress(Random rng) => rng.Next(4) switch
    {
        0 => IpAddress.V4(0x0A00_0000u | (uint)rng.Next(1 << 20)),         // inside a /24 (A and B)
        1 => IpAddress.V4(0x0A10_0000u | (uint)rng.Next(0xF0_0000)),       // only the /8 (A)
        2 => IpAddress.V6(((UInt128)0x2001_0db8UL << 96) | ((UInt128)(uint)rng.Next(4096) << 80) | (uint)rng.Next()),
        _ => IpAddress.V4((uint)rng.Next(0x0B00_0000, int.MaxValue)),       // no route
    };

    private static string? Check(RouteTableSnapshot snapshot, IpAddress address, Dictionary<long, State> states, long lastVersion)
    {
        if (snapshot.Version < lastVersion)
        {
            return $"version went back from {lastVersion} to {snapshot.Version}";
        }

        if (!states.TryGetValue(snapshot.Version, out State? state))
        {
            return $"version {snapshot.Version} was never meant to be published (a half-applied batch?)";
        }

        bool found = snapshot.TryLookup(address, out Route route);
        (bool Found, IpAddress Hop, int Metric) expected = address switch
        {
            { IsV6: true } => state.A6 <= state.B6 ? (true, HopA, state.A6) : (true, HopB, state.B6),
            _ when (uint)address.Value < 0x0A10_0000u => state.A4 <= state.B4 ? (true, HopA, state.A4) : (true, HopB, state.B4),
            _ when (uint)address.Value < 0x0B00_0000u => (true, HopA, state.A4),
            _ => (false, default, 0),
        };
        return found == expected.Found && (!found || (route.NextHop == expected.Hop && route.Metric == expected.Metric))
            ? null
            : $"version {snapshot.Version} {state}: {address} gave {(found ? route.ToString() : "no route")}, expected {expected}";
    }
}
