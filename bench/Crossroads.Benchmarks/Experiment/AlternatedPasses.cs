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

    /// <summary>
    /// Times every variant on every workload for <paramref name="rounds"/> rounds, the variants' order reversed every
    /// other round, and prints per workload and variant the median rate and the median (min–max) ratio to
    /// <paramref name="reference"/> in the same round.
    /// </summary>
    public static void RunAndReport(
        IReadOnlyList<(string Name, Func<uint[], long> Pass)> variants,
        IReadOnlyList<(string Name, uint[] Addresses)> workloads,
        int rounds,
        double seconds,
        string reference)
    {
        var results = new Dictionary<string, List<double>>();
        for (int r = 0; r < rounds; r++)
        {
            foreach (var (name, pass) in r % 2 == 0 ? variants : variants.Reverse())
            {
                foreach (var (workload, addresses) in workloads)
                {
                    string key = workload + " " + name;
                    if (!results.TryGetValue(key, out var list))
                    {
                        results[key] = list = [];
                    }

                    list.Add(Rate(seconds, addresses, pass));
                }
            }
        }

        foreach (var (workload, _) in workloads)
        {
            var baseline = results[workload + " " + reference];
            foreach (var (name, _) in variants)
            {
                var list = results[workload + " " + name];
                var ratios = list.Select((v, i) => v / baseline[i]).Order().ToArray();
                Console.WriteLine(FormattableString.Invariant($"{workload,-7} {name,-18} median {list.Order().ElementAt(list.Count / 2) / 1e6,7:F1} M/s  ÷ {reference} {ratios[ratios.Length / 2]:F3} ({ratios[0]:F3}-{ratios[^1]:F3})"));
            }
        }
    }

    /// <summary>Lookups per second of thread CPU time over whole passes of at least <paramref name="seconds"/>, after one untimed pass.</summary>
    public static double Rate(double seconds, uint[] addresses, Func<uint[], long> pass) =>
        Rate(seconds, addresses.Length, () => pass(addresses));

    /// <summary>Lookups per second of thread CPU time over whole passes of <paramref name="count"/> lookups each, at least <paramref name="seconds"/> of them, after one untimed pass.</summary>
    public static double Rate(double seconds, int count, Func<long> pass)
    {
        long sink = pass();
        long passes = 0;
        double start = ThreadCpuClock.Seconds();
        double elapsed;
        do
        {
            sink += pass();
            passes++;
            elapsed = ThreadCpuClock.Seconds() - start;
        }
        while (elapsed < seconds);

        GC.KeepAlive(sink);
        return passes * count / elapsed;
    }
}
