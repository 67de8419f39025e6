using System.Runtime.InteropServices;

namespace Crossroads.RoutingTable.Fib;

/// <summary>
/// Puts the FIB's arrays on 2 MiB pages where Linux allows it (transparent huge pages, synchronous
/// <c>MADV_COLLAPSE</c>, kernel 6.1+). A lookup on the full table touches a random spot of a ~10 MiB array: on 4 KiB
/// pages that is ~2,500 pages, more than the second-level TLB holds, so most lookups also pay a page walk; DPDK
/// avoids the same cost by running rte_lpm on hugepages. Best effort: without THP, on older kernels or other
/// systems the arrays stay as they are. The arrays must be pinned (the pinned object heap), since the advice is
/// about their addresses.
/// <para>
/// Off by default (<c>CROSSROADS_FIB_HUGE_PAGES=1</c> turns it on): on the full table, alternated in one run, lookups
/// on 2 MiB and 4 KiB pages were within each other's noise (4 rounds, every workload), while the synchronous
/// collapse added ~70 ms to the build at start.
/// </para>
/// </summary>
internal static partial class HugePages
{
    private const int MadvHugePage = 14;
    private const int MadvCollapse = 25;
    private const nint PageSize = 2 << 20;

    /// <summary>Whether FIBs built from now on ask for huge pages (benchmarks turn it off to compare).</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("CROSSROADS_FIB_HUGE_PAGES") == "1";

    /// <summary>A pinned copy of <paramref name="source"/>, its whole 2 MiB pages collapsed into huge pages.</summary>
    public static T[] PinnedCopy<T>(ReadOnlySpan<T> source)
        where T : unmanaged
    {
        T[] copy = AllocatePinned<T>(source.Length);
        source.CopyTo(copy);
        Advise(copy);
        return copy;
    }

    /// <summary>An array that never moves (to be filled, then given to <see cref="Advise"/>).</summary>
    public static T[] AllocatePinned<T>(int length)
        where T : unmanaged => GC.AllocateUninitializedArray<T>(length, pinned: true);

    /// <summary>Asks for huge pages under a filled, pinned array.</summary>
    public static unsafe void Advise<T>(T[] array)
        where T : unmanaged
    {
        if (!Enabled || !OperatingSystem.IsLinux() || (long)array.Length * sizeof(T) < PageSize)
        {
            return;
        }

        fixed (T* data = array)
        {
            // Only the 2 MiB pages wholly inside the array: the edges share pages with other objects.
            nint start = ((nint)data + PageSize - 1) & ~(PageSize - 1);
            nint end = ((nint)data + (nint)((long)array.Length * sizeof(T))) & ~(PageSize - 1);
            if (end > start)
            {
                // MADV_HUGEPAGE keeps khugepaged from splitting them again; failures (no THP) leave 4 KiB pages.
                _ = Madvise(start, (nuint)(end - start), MadvHugePage);
                _ = Madvise(start, (nuint)(end - start), MadvCollapse);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
