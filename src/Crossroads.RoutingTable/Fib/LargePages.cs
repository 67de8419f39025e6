using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Crossroads.RoutingTable.Fib;

/// <summary>
/// Allocates big lookup tables pinned and asks Linux for transparent huge pages on them: a random lookup
/// into a 64 MiB table otherwise misses the TLB almost every time (DPDK uses hugepages for the same reason).
/// </summary>
internal static partial class LargePages
{
    private const int MadvHugePage = 14;
    private const long HugePageSize = 2 * 1024 * 1024;

    public static unsafe int[] AllocatePinned(int length)
    {
        int[] array = GC.AllocateUninitializedArray<int>(length, pinned: true);
        if (OperatingSystem.IsLinux() && (long)length * sizeof(int) >= 2 * HugePageSize)
        {
            long start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            long end = start + ((long)length * sizeof(int));
            long alignedStart = (start + HugePageSize - 1) & ~(HugePageSize - 1);
            long alignedEnd = end & ~(HugePageSize - 1);
            try
            {
                // Advice only: failure (no THP support) leaves ordinary pages, which still work.
                _ = Madvise((nint)alignedStart, (nuint)(alignedEnd - alignedStart), MadvHugePage);
            }
            catch (DllNotFoundException)
            {
            }
            catch (EntryPointNotFoundException)
            {
            }
        }

        return array;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
