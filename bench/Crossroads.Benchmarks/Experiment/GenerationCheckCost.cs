using System.Globalization;
using System.Runtime.CompilerServices;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Fib;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.Benchmarks.Experiment;

/// <summary>
/// `check-cost ROUTES [ROUNDS] [SECONDS]`: what the snapshot's per-lookup generation check costs single IPv4 lookups,
/// in one process, variants alternated round by round (thread CPU time): the public lookup; the same FIB walk without
/// the check (an upper bound, not correct under concurrent rewrites); the check against a generation word reached
/// through a pointer field, or placed before the table's data; and a struct reader holding table, generation pointer
/// and expected generation in registers. Prints the median rate and the median (min–max) ratio to the public lookup.
/// </summary>
internal static unsafe class GenerationCheckCost
{
    // The snapshot's fields, with the generation reached through a pointer instead of the FIB object.
    private sealed class SnapshotLike
    {
        public int* Table;
        public int* Gen;
        public int Expected;
        public PoptrieFib Fib = null!;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address)
        {
            int* table = Table;
            int leaf = PoptrieFib.DirectEntryV4(table, address);
            if (leaf < 0)
            {
                leaf = PoptrieFib.IsBlock(leaf) ? PoptrieFib.BlockLeafV4(table, leaf, address) : Descend(leaf, address);
            }

            return Volatile.Read(ref *Gen) == Expected ? leaf - 1 : Stale(leaf);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4CheckBeforeTable(uint address)
        {
            int* table = Table;
            int leaf = PoptrieFib.DirectEntryV4(table, address);
            if (leaf < 0)
            {
                leaf = PoptrieFib.IsBlock(leaf) ? PoptrieFib.BlockLeafV4(table, leaf, address) : Descend(leaf, address);
            }

            // generation at a fixed place before the table's data (the array length word here; timing only)
            return Volatile.Read(ref table[-2]) == Expected ? leaf - 1 : Stale(leaf);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private int Descend(int entry, uint address) => Fib.DescendV4(entry, address);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Stale(int leaf) => leaf - 2;
    }

    private readonly struct Reader(int* table, int* gen, int expected, PoptrieFib fib)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address)
        {
            int leaf = PoptrieFib.DirectEntryV4(table, address);
            if (leaf < 0)
            {
                leaf = PoptrieFib.IsBlock(leaf) ? PoptrieFib.BlockLeafV4(table, leaf, address) : fib.DescendV4(leaf, address);
            }

            return Volatile.Read(ref *gen) == expected ? leaf - 1 : leaf - 2;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long LoopReader(Reader r, uint[] addresses)
    {
        long sum = 0;
        foreach (uint a in addresses)
        {
            sum += r.LookupV4(a);
        }

        return sum;
    }

    public static int Run(string[] args)
    {
        string routesFile = args[0];
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        double seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.5;
        var table = RouteTable.Create(RouteFileLoader.Load(routesFile));
        var snapshot = table.Current;
        var fib = snapshot.Set.V4;
        var random = Workload.RandomV4(1 << 22, 1);
        var inside = Workload.InsideV4(snapshot, 1 << 22, 2);
        int[] genCell = GC.AllocateArray<int>(16, pinned: true);
        fixed (int* g = genCell)
        {
            var s2 = new SnapshotLike { Table = fib.TablePointer, Gen = g, Expected = 0, Fib = fib };
            var s3 = new SnapshotLike { Table = fib.TablePointer, Gen = g, Expected = fib.TablePointer[-2], Fib = fib };
            // Every variant answers as the public lookup (the generation does not move here).
            for (int i = 0; i < 100000; i++)
            {
                int a = snapshot.LookupV4(inside[i]);
                if (a != s2.LookupV4(inside[i]) || a != s3.LookupV4CheckBeforeTable(inside[i]) || a != Raw(fib, inside[i]))
                {
                    throw new InvalidOperationException("mismatch at " + i);
                }
            }

            var reader = new Reader(fib.TablePointer, g, 0, fib);
            var variants = new (string Name, Func<uint[], long> Pass)[]
            {
                ("current", a => LoopCurrent(snapshot, a)),
                ("no-check", a => LoopRaw(fib, a)),
                ("check-via-pointer", a => LoopPointerCheck(s2, a)),
                ("check-before-table", a => LoopCheckBeforeTable(s3, a)),
                ("struct-reader", a => LoopReader(reader, a)),
            };
            var results = new Dictionary<string, List<double>>();
            for (int r = 0; r < rounds; r++)
            {
                foreach (var (name, pass) in r % 2 == 0 ? variants : variants.Reverse())
                {
                    foreach (var (wl, addrs) in new[] { ("inside", inside), ("random", random) })
                    {
                        double rate = Rate(seconds, addrs, pass);
                        var key = wl + " " + name;
                        if (!results.TryGetValue(key, out var list))
                        {
                            results[key] = list = [];
                        }

                        list.Add(rate);
                    }
                }
            }

            foreach (var wl in new[] { "inside", "random" })
            {
                var baseline = results[wl + " current"];
                foreach (var (name, _) in variants)
                {
                    var list = results[wl + " " + name];
                    var ratios = list.Select((v, i) => v / baseline[i]).Order().ToArray();
                    Console.WriteLine(FormattableString.Invariant($"{wl,-7} {name,-14} median {Median(list) / 1e6,7:F1} M/s  ratio {ratios[ratios.Length / 2]:F3} ({ratios[0]:F3}-{ratios[^1]:F3})"));
                }
            }
        }

        GC.KeepAlive(table);
        return 0;
    }

    private static double Median(List<double> list) => list.Order().ElementAt(list.Count / 2);

    private static double Rate(double seconds, uint[] addresses, Func<uint[], long> pass)
    {
        long sink = pass(addresses);
        long passes = 0;
        double start = ThreadCpuClock.Seconds();
        double elapsed;
        do
        {
            sink += pass(addresses);
            passes++;
            elapsed = ThreadCpuClock.Seconds() - start;
        }
        while (elapsed < seconds);

        GC.KeepAlive(sink);
        return passes * addresses.Length / elapsed;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Raw(PoptrieFib fib, uint address)
    {
        int* table = fib.TablePointer;
        int leaf = PoptrieFib.DirectEntryV4(table, address);
        if (leaf < 0)
        {
            leaf = PoptrieFib.IsBlock(leaf) ? PoptrieFib.BlockLeafV4(table, leaf, address) : fib.DescendV4(leaf, address);
        }

        return leaf - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long LoopCurrent(RouteTableSnapshot snapshot, uint[] addresses)
    {
        long sum = 0;
        foreach (uint a in addresses)
        {
            sum += snapshot.LookupV4(a);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long LoopRaw(PoptrieFib fib, uint[] addresses)
    {
        long sum = 0;
        foreach (uint a in addresses)
        {
            sum += Raw(fib, a);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long LoopPointerCheck(SnapshotLike s, uint[] addresses)
    {
        long sum = 0;
        foreach (uint a in addresses)
        {
            sum += s.LookupV4(a);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long LoopCheckBeforeTable(SnapshotLike s, uint[] addresses)
    {
        long sum = 0;
        foreach (uint a in addresses)
        {
            sum += s.LookupV4CheckBeforeTable(a);
        }

        return sum;
    }
}
