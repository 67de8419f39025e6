using System.Runtime.CompilerServices;
using Crossroads.RoutingTable.Fib;

namespace Crossroads.Benchmarks.Experiment;

/// <summary>
/// The public single IPv4 lookup's FIB walk without its snapshot generation check: the reference the experiments
/// compare layouts with (an upper bound of today's lookup, not correct under concurrent rewrites).
/// </summary>
internal readonly unsafe struct NoCheckLookup(PoptrieFib fib) : IV4Lookup
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LookupV4(uint address)
    {
        int* table = fib.TablePointer;
        int leaf = PoptrieFib.DirectEntryV4(table, address);
        if (leaf < 0)
        {
            leaf = PoptrieFib.IsBlock(leaf) ? PoptrieFib.BlockLeafV4(table, leaf, address) : fib.DescendV4(leaf, address);
        }

        return leaf - 1;
    }
}
