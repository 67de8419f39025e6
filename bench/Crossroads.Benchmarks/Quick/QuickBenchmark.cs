using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.Benchmarks.Quick;

/// <summary>
/// `quick --routes FILE [--seconds S] [--write-addresses FILE | --addresses FILE] [--clock wall|cpu] [--serve] [--huge-pages]`: load FILE, run single-thread
/// lookups on pre-generated addresses for a few seconds each, print one JSON line. Meant for side-by-side runs
/// with other engines (bench/dpdk), not for precision. `--write-addresses` saves the generated addresses and
/// `--addresses` reads such a file instead of generating, so another engine can look up the very same ones
/// (<see cref="AddressFile"/>). `--clock cpu` times the passes in thread CPU time instead of wall time
/// (<see cref="ThreadCpuClock"/>); the budget of S seconds is then CPU seconds too. `--serve` prints one more
/// round per line read from standard input, until it ends. `--huge-pages` puts the FIB on 2 MiB pages.
/// </summary>
internal static class QuickBenchmark
{
    private const int AddressCount = 1 << 22;

    public static int Run(string[] args)
    {
        string? routesFile = null;
        string? writeAddresses = null;
        string? readAddresses = null;
        bool cpuClock = false;
        bool serve = false;
        double seconds = 2;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--serve")
            {
                serve = true;
                continue;
            }

            if (args[i] == "--huge-pages")
            {
                // The FIB's arrays on 2 MiB pages (as rte_lpm under lpm-bench --thp).
                Crossroads.RoutingTable.Fib.HugePages.Enabled = true;
                continue;
            }

            if (i == args.Length - 1)
            {
                break;
            }

            if (args[i] == "--routes")
            {
                routesFile = args[i + 1];
            }
            else if (args[i] == "--write-addresses")
            {
                writeAddresses = args[i + 1];
            }
            else if (args[i] == "--addresses")
            {
                readAddresses = args[i + 1];
            }
            else if (args[i] == "--clock")
            {
                cpuClock = args[i + 1] switch
                {
                    "cpu" => ThreadCpuClock.IsSupported ? true : throw new PlatformNotSupportedException("--clock cpu needs Linux."),
                    "wall" => false,
                    _ => throw new ArgumentException("--clock takes wall or cpu."),
                };
            }
            else if (args[i] == "--seconds")
            {
                seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        if (routesFile is null)
        {
            Console.Error.WriteLine("usage: quick --routes FILE [--seconds S] [--write-addresses FILE | --addresses FILE] [--clock wall|cpu] [--serve]");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var routes = RouteFileLoader.Load(routesFile);
        double parseSeconds = clock.Elapsed.TotalSeconds;
        var table = RouteTable.Create(routes);
        double loadSeconds = clock.Elapsed.TotalSeconds;
        var snapshot = table.Current;

        var (randomV4, insideV4, insideV6) = readAddresses is not null
            ? AddressFile.Read(readAddresses)
            : (Workload.RandomV4(AddressCount, seed: 1), Workload.InsideV4(snapshot, AddressCount, seed: 2), Workload.InsideV6(snapshot, AddressCount, seed: 3));
        if (writeAddresses is not null)
        {
            AddressFile.Write(writeAddresses, randomV4, insideV4, insideV6);
        }

        int count = randomV4.Length;
        var high = Array.ConvertAll(insideV6, static a => (ulong)(a >> 64));
        var low = Array.ConvertAll(insideV6, static a => (ulong)a);
        var results = new int[count];

        // --serve: one round per line read from stdin, so a script can alternate this process with another engine's
        // without paying for the table load each time (bench/dpdk/compare.sh).
        do
        {
            var report = new Dictionary<string, object>
            {
                ["engine"] = "crossroads-poptrie",
                ["routes"] = snapshot.RouteCount,
                ["prefixes"] = snapshot.PrefixCount,
                ["parse_seconds"] = Math.Round(parseSeconds, 3),
                ["load_seconds"] = Math.Round(loadSeconds, 3),
                ["ipv4_random_lookups_per_sec"] = Rate(seconds, count, cpuClock, () => LoopV4(snapshot, randomV4)),
                ["ipv4_inside_lookups_per_sec"] = Rate(seconds, count, cpuClock, () => LoopV4(snapshot, insideV4)),
                ["ipv6_inside_lookups_per_sec"] = Rate(seconds, count, cpuClock, () => LoopV6(snapshot, high, low)),
                ["ipv4_random_bulk_lookups_per_sec"] = Rate(seconds, count, cpuClock, () => { snapshot.LookupV4(randomV4, results); return results[^1]; }),
                ["ipv4_inside_bulk_lookups_per_sec"] = Rate(seconds, count, cpuClock, () => { snapshot.LookupV4(insideV4, results); return results[^1]; }),
                ["ipv6_inside_bulk_lookups_per_sec"] = Rate(seconds, count, cpuClock, () => { snapshot.LookupV6(insideV6, results); return results[^1]; }),
                ["fib_v4_bytes"] = snapshot.FibMemoryBytes.V4,
                ["fib_v6_bytes"] = snapshot.FibMemoryBytes.V6,
                ["managed_heap_bytes"] = GC.GetTotalMemory(forceFullCollection: true),
                ["working_set_bytes"] = Environment.WorkingSet,
            };
            Console.WriteLine(JsonSerializer.Serialize(report));
        }
        while (serve && Console.ReadLine() is not null);

        GC.KeepAlive(table);
        return 0;
    }

    // Fully optimized from the first call: a pass is long and runs only a few dozen times, so with tiering the
    // timed passes could run on-stack-replaced tier-0 code in one run and tier-1 code in the next.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long LoopV4(RouteTableSnapshot snapshot, uint[] addresses)
    {
        long sum = 0;
        foreach (uint a in addresses)
        {
            sum += snapshot.LookupV4(a);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long LoopV6(RouteTableSnapshot snapshot, ulong[] high, ulong[] low)
    {
        long sum = 0;
        for (int i = 0; i < high.Length; i++)
        {
            sum += snapshot.LookupV6(high[i], low[i]);
        }

        return sum;
    }

    // Repeats one pass over all addresses until the time is up; returns lookups per second.
    private static long Rate(double seconds, int count, bool cpuClock, Func<long> pass)
    {
        long sink = pass(); // warm-up
        long passes = 0;
        var clock = Stopwatch.StartNew();
        double cpuStart = cpuClock ? ThreadCpuClock.Seconds() : 0;
        double elapsed;
        do
        {
            sink += pass();
            passes++;
            elapsed = cpuClock ? ThreadCpuClock.Seconds() - cpuStart : clock.Elapsed.TotalSeconds;
        }
        while (elapsed < seconds);

        GC.KeepAlive(sink);
        return (long)(passes * count / elapsed);
    }
}
