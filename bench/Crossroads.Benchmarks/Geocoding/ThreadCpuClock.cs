using System.Runtime.InteropServices;

namespace Crossroads.Benchmarks.Geocoding;

/// <summary>
/// CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), so per-query costs can be read
/// on a shared machine where wall-clock percentiles mostly measure time slices lost to other processes. Returns
/// null elsewhere.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    internal static bool Available { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>Nanoseconds of CPU this thread has used.</summary>
    internal static long NowNanoseconds()
    {
        ClockGetTime(ClockThreadCpuTimeId, out var ts);
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
