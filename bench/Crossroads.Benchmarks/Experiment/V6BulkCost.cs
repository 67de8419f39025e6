using System.Globalization;
using System.Runtime.CompilerServices;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Fib;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.Benchmarks.Experiment;

/// <summary>
/// `v6-bulk ROUTES [ROUNDS] [SECONDS]`: why IPv6 bulk lookups run below single ones (stop 18, Intel host: 11.1 against
/// 12.9 M/s in compare.sh, while rte_lpm6's bulk function gains 1.4× over its single lookups). One process, 4 Mi
/// in-prefix IPv6 addresses, variants alternated round by round in thread CPU time, each checked to answer as the
/// public bulk lookup first: the public bulk lookup (direct entry prefetched 16 keys ahead, FIB pass then resolve pass
/// per 1,024-key chunk); single lookups in a loop (their generation check per lookup); the FIB walk over the same
/// keys with its prefetch but without the resolve pass (the FIB's own bulk loop); the walk without the prefetch; and the
/// walk over the keys split into two arrays of halves, as the single loop reads them. Stop 18, 24 rounds at load ~1:
/// all within 0.94–1.02× of each other — no loss in the bulk path itself (a 10-round run at first showed 1.13–1.45×
/// for the prefetch-free walks; repeated, that was the machine's phases).
/// </summary>
internal static class V6BulkCost
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        double seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.5;
        var table = RouteTable.Create(RouteFileLoader.Load(args[0]));
        var snapshot = table.Current;
        var fib = snapshot.Set.V6;
        UInt128[] keys = Workload.InsideV6(snapshot, 1 << 22, 3);
        ulong[] high = Array.ConvertAll(keys, static k => (ulong)(k >> 64));
        ulong[] low = Array.ConvertAll(keys, static k => (ulong)k);
        int[] results = new int[keys.Length];

        snapshot.LookupV6(keys, results);
        long expected = Sum(results);
        var variants = new (string Name, Func<long> Pass)[]
        {
            ("bulk", () => { snapshot.LookupV6(keys, results); return Sum(results); }),
            ("single-loop", () => Quick.QuickBenchmark.LoopV6(snapshot, high, low)),
            ("fib-pass-only", () => { fib.LookupPrefetched(keys, results); return SumLess1(results); }),
            ("walk-no-prefetch", () => WalkKeys(fib, keys, results)),
            ("walk-split-halves", () => WalkHalves(fib, high, low, results)),
        };
        foreach (var (name, pass) in variants)
        {
            if (pass() != expected)
            {
                throw new InvalidOperationException($"{name} does not answer as the bulk lookup");
            }
        }

        var rates = variants.ToDictionary(static v => v.Name, static _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            foreach (var (name, pass) in r % 2 == 0 ? variants : variants.Reverse())
            {
                rates[name].Add(AlternatedPasses.Rate(seconds, keys.Length, pass));
            }
        }

        var reference = rates["bulk"];
        foreach (var (name, _) in variants)
        {
            var list = rates[name];
            var ratios = list.Select((v, i) => v / reference[i]).Order().ToArray();
            Console.WriteLine(FormattableString.Invariant($"{name,-18} median {list.Order().ElementAt(list.Count / 2) / 1e6,6:F1} M/s  ÷ bulk {ratios[ratios.Length / 2]:F3} ({ratios[0]:F3}-{ratios[^1]:F3})"));
        }

        GC.KeepAlive(table);
        return 0;
    }

    private static long Sum(int[] values)
    {
        long sum = 0;
        foreach (int v in values)
        {
            sum += v;
        }

        return sum;
    }

    private static long SumLess1(int[] values)
    {
        long sum = 0;
        foreach (int v in values)
        {
            sum += v - 1;
        }

        return sum;
    }

    // The FIB pass of the bulk lookup without its prefetch; leaf - 1 is the route, as the resolve pass makes it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long WalkKeys(PoptrieFib fib, UInt128[] keys, int[] results)
    {
        for (int i = 0; i < keys.Length; i++)
        {
            UInt128 key = keys[i];
            results[i] = fib.Lookup((ulong)(key >> 64), (ulong)key) - 1;
        }

        return Sum(results);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long WalkHalves(PoptrieFib fib, ulong[] high, ulong[] low, int[] results)
    {
        for (int i = 0; i < high.Length; i++)
        {
            results[i] = fib.Lookup(high[i], low[i]) - 1;
        }

        return Sum(results);
    }
}
