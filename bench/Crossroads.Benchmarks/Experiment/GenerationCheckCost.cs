using System.Globalization;
using System.Runtime.CompilerServices;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Fib;

namespace Crossroads.Benchmarks.Experiment;

/// <summary>
/// `check-cost ROUTES [ROUNDS] [SECONDS]`: what the snapshot's per-lookup generation check costs single IPv4 lookups,
/// in one process, variants alternated round by round (thread CPU time): the public lookup (its check reads the
/// generation just before the table, through the table pointer); the same FIB walk without the check (an upper bound,
/// not correct under concurrent rewrites); the check against a generation reached through a pointer field of its own;
/// and a struct reader holding table, generation pointer and expected generation in registers. Prints the median rate
/// and the median (min–max) ratio to the public lookup.
/// </summary>
internal static unsafe class GenerationCheckCost
{
    public static int Run(string[] args)
    {
        var (table, snapshot, fib, random, inside, rounds, seconds) = LookupExperiment.Load(args);
        int[] generationCell = GC.AllocateArray<int>(16, pinned: true);
        fixed (int* generation = generationCell)
        {
            var viaPointer = new ViaPointer(new SnapshotLike { Table = fib.TablePointer, Generation = generation, Expected = 0, Fib = fib });
            var reader = new Reader(fib.TablePointer, generation, 0, fib);
            // Every variant answers as the public lookup (the generation does not move here).
            for (int i = 0; i < 100_000; i++)
            {
                int answer = snapshot.LookupV4(inside[i]);
                if (answer != viaPointer.LookupV4(inside[i]) || answer != reader.LookupV4(inside[i]) || answer != new NoCheckLookup(fib).LookupV4(inside[i]))
                {
                    throw new InvalidOperationException("The variants disagree at address " + i.ToString(CultureInfo.InvariantCulture));
                }
            }

            var variants = new (string Name, Func<uint[], long> Pass)[]
            {
                ("current", a => AlternatedPasses.Loop(new Public(snapshot), a)),
                ("no-check", a => AlternatedPasses.Loop(new NoCheckLookup(fib), a)),
                ("check-via-pointer", a => AlternatedPasses.Loop(viaPointer, a)),
                ("struct-reader", a => AlternatedPasses.Loop(reader, a)),
            };
            AlternatedPasses.RunAndReport(variants, [("inside", inside), ("random", random)], rounds, seconds, "current");
        }

        GC.KeepAlive(table);
        return 0;
    }

    private readonly struct Public(RouteTableSnapshot snapshot) : IV4Lookup
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address) => snapshot.LookupV4(address);
    }


    private readonly struct ViaPointer(SnapshotLike snapshot) : IV4Lookup
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address) => snapshot.LookupV4(address);
    }

    // The snapshot's fields, with the generation reached through a pointer of its own instead of the table pointer.
    private sealed class SnapshotLike
    {
        public int* Table;
        public int* Generation;
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

            return Volatile.Read(ref *Generation) == Expected ? leaf - 1 : Stale(leaf);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private int Descend(int entry, uint address) => Fib.DescendV4(entry, address);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Stale(int leaf) => leaf - 2;
    }

    private readonly struct Reader(int* table, int* generation, int expected, PoptrieFib fib) : IV4Lookup
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address)
        {
            int leaf = PoptrieFib.DirectEntryV4(table, address);
            if (leaf < 0)
            {
                leaf = PoptrieFib.IsBlock(leaf) ? PoptrieFib.BlockLeafV4(table, leaf, address) : fib.DescendV4(leaf, address);
            }

            return Volatile.Read(ref *generation) == expected ? leaf - 1 : leaf - 2;
        }
    }
}
