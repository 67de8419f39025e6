using System.Runtime.CompilerServices;

namespace Crossroads.Benchmarks.Experiment;

/// <summary>A single IPv4 lookup variant, as a struct so that each variant's loop is compiled with it inlined.</summary>
internal interface IV4Lookup
{
    int LookupV4(uint address);
}

/// <summary>The timing the in-process experiments share: one loop per variant, passes timed in thread CPU time.</summary>
internal static class AlternatedPasses
{
    // One loop for every variant: a struct type argument gets its own compiled copy with the lookup inlined.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Loop<T>(T lookup, uint[] addresses)
        where T : struct, IV4Lookup
    {
        long sum = 0;
        foreach (uint a in addresses)
        {
            sum += lookup.LookupV4(a);
        }

        return sum;
    }

    /// <summary>Lookups per second of thread CPU time over whole passes of at least <paramref name="seconds"/>, after one untimed pass.</summary>
    public static double Rate(double seconds, uint[] addresses, Func<uint[], long> pass)
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
}
