using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.Benchmarks.Quick;

/// <summary>
/// `quick --routes FILE [--seconds S]`: load FILE, run single-thread lookups on pre-generated addresses for a
/// few seconds each, print one JSON line. Meant for side-by-side runs with other engines, not for precision.
/// </summary>
internal static class QuickBenchmark
{
    private const int AddressCount = 1 << 22;

    public static int Run(string[] args)
    {
        string? routesFile = null;
        double seconds = 2;
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--routes")
            {
                routesFile = args[i + 1];
            }
            else if (args[i] == "--seconds")
            {
                seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        if (routesFile is null)
        {
            Console.Error.WriteLine("usage: quick --routes FILE [--seconds S]");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var routes = RouteFileLoader.Load(routesFile);
        double parseSeconds = clock.Elapsed.TotalSeconds;
        var table = RouteTable.Create(routes);
        double loadSeconds = clock.Elapsed.TotalSeconds;
        var snapshot = table.Current;

        var randomV4 = Workload.RandomV4(AddressCount, seed: 1);
        var insideV4 = Workload.InsideV4(snapshot, AddressCount, seed: 2);
        var insideV6 = Workload.InsideV6(snapshot, AddressCount, seed: 3);
        var high = Array.ConvertAll(insideV6, static a => (ulong)(a >> 64));
        var low = Array.ConvertAll(insideV6, static a => (ulong)a);
        var results = new int[AddressCount];

        var report = new Dictionary<string, object>
        {
            ["engine"] = "crossroads-poptrie",
            ["routes"] = snapshot.RouteCount,
            ["prefixes"] = snapshot.PrefixCount,
            ["parse_seconds"] = Math.Round(parseSeconds, 3),
            ["load_seconds"] = Math.Round(loadSeconds, 3),
            ["ipv4_random_lookups_per_sec"] = Rate(seconds, () => LoopV4(snapshot, randomV4)),
            ["ipv4_inside_lookups_per_sec"] = Rate(seconds, () => LoopV4(snapshot, insideV4)),
            ["ipv6_inside_lookups_per_sec"] = Rate(seconds, () => LoopV6(snapshot, high, low)),
            ["ipv4_random_bulk_lookups_per_sec"] = Rate(seconds, () => { snapshot.LookupV4(randomV4, results); return results[^1]; }),
            ["ipv4_inside_bulk_lookups_per_sec"] = Rate(seconds, () => { snapshot.LookupV4(insideV4, results); return results[^1]; }),
            ["ipv6_inside_bulk_lookups_per_sec"] = Rate(seconds, () => { snapshot.LookupV6(insideV6, results); return results[^1]; }),
            ["fib_v4_bytes"] = snapshot.FibMemoryBytes.V4,
            ["fib_v6_bytes"] = snapshot.FibMemoryBytes.V6,
            ["managed_heap_bytes"] = GC.GetTotalMemory(forceFullCollection: true),
            ["working_set_bytes"] = Environment.WorkingSet,
        };
        GC.KeepAlive(table);
        Console.WriteLine(JsonSerializer.Serialize(report));
        return 0;
    }

    private static long LoopV4(RouteTableSnapshot snapshot, uint[] addresses)
    {
        long sum = 0;
        foreach (uint a in addresses)
        {
            sum += snapshot.LookupV4(a);
        }

        return sum;
    }

    private static long LoopV6(RouteTableSnapshot snapshot, ulong[] high, ulong[] low)
    {
        long sum = 0;
        for (int i = 0; i < high.Length; i++)
        {
            sum += snapshot.LookupV6(high[i], low[i]);
        }

        return sum;
    }

    // Repeats one pass over all addresses until the time is up; returns lookups per second.
    private static long Rate(double seconds, Func<long> pass)
    {
        long sink = pass(); // warm-up, also lets tiered compilation promote the loop
        long passes = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            sink += pass();
            passes++;
        }

        GC.KeepAlive(sink);
        return (long)(passes * AddressCount / clock.Elapsed.TotalSeconds);
    }
}
