using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Crossroads.RoutingTable.Fib;

namespace Crossroads.Benchmarks.Experiment;

/// <summary>
/// `sparse-blocks ROUTES [ROUNDS] [SECONDS]`: would single in-prefix lookups gain if the leaf block load no longer
/// waited for the direct entry? Copies every /18's leaf block to its place in a 64 MiB address-indexed array (only the
/// pages holding blocks are written; the rest stay the kernel's zero page), so a lookup issues both loads at once —
/// the direct entry and the block slot of the address — and picks one. Compared with the current walk without its
/// check, alternated in one process, thread CPU time. An experiment: nothing here is used by the server.
/// </summary>
internal static unsafe class SparseBlockCost
{
    public static int Run(string[] args)
    {
        var (table, snapshot, fib, random, inside, rounds, seconds) = LookupExperiment.Load(args);

        // calloc of 64 MiB is a fresh mapping: untouched pages read as zeros without being resident.
        int* sparse = (int*)NativeMemory.AllocZeroed(1u << 24, sizeof(int));
        int* fibTable = fib.TablePointer;
        var pages = new HashSet<long>();
        for (uint d = 0; d < 1u << PoptrieFib.V4DirectBits; d++)
        {
            int entry = fibTable[d];
            if (entry < 0 && PoptrieFib.IsBlock(entry))
            {
                for (uint s = 0; s < 64; s++)
                {
                    sparse[(d << 6) + s] = PoptrieFib.BlockLeafV4(fibTable, entry, (d << 14) | (s << 8));
                }

                pages.Add(((long)d << 8) >> 12);
            }
        }

        Console.WriteLine(FormattableString.Invariant($"sparse blocks: {pages.Count} pages written, {pages.Count * 4096L / (1 << 20)} MiB"));
        var noCheck = new NoCheckLookup(fib);
        var both = new BothLoads(fib, sparse);
        var select = new BothLoadsSelect(fib, sparse);
        foreach (var addresses in new[] { inside, random })
        {
            foreach (uint a in addresses)
            {
                int expected = snapshot.LookupV4(a);
                if (expected != noCheck.LookupV4(a) || expected != both.LookupV4(a) || expected != select.LookupV4(a))
                {
                    throw new InvalidOperationException("The variants disagree at " + a.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        var variants = new (string Name, Func<uint[], long> Pass)[]
        {
            ("no-check", a => AlternatedPasses.Loop(noCheck, a)),
            ("both-loads", a => AlternatedPasses.Loop(both, a)),
            ("both-select", a => AlternatedPasses.Loop(select, a)),
        };
        AlternatedPasses.RunAndReport(variants, [("inside", inside), ("random", random)], rounds, seconds, "no-check");
        GC.KeepAlive(table);
        NativeMemory.Free(sparse);
        return 0;
    }


    // Both loads issued before any branch: the block slot's address depends on the address only.
    private readonly struct BothLoads(PoptrieFib fib, int* sparse) : IV4Lookup
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address)
        {
            int* table = fib.TablePointer;
            int entry = PoptrieFib.DirectEntryV4(table, address);
            int slot = sparse[address >> 8];
            if (entry < 0)
            {
                entry = PoptrieFib.IsBlock(entry) ? slot : fib.DescendV4(entry, address);
            }

            return entry - 1;
        }
    }

    // As BothLoads, with the leaf-or-block choice as a select the JIT can make a cmov.
    private readonly struct BothLoadsSelect(PoptrieFib fib, int* sparse) : IV4Lookup
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address)
        {
            int* table = fib.TablePointer;
            int entry = PoptrieFib.DirectEntryV4(table, address);
            int slot = sparse[address >> 8];
            int leaf = entry >= 0 ? entry : slot;
            if ((entry & (entry << 1)) < 0)
            {
                leaf = fib.DescendV4(entry, address);
            }

            return leaf - 1;
        }
    }
}
