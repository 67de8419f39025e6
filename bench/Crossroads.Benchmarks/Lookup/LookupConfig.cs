using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace Crossroads.Benchmarks.Lookup;

/// <summary>
/// Short but honest runs: one process, a few warm-ups, ten measured iterations; memory diagnoser on so an
/// allocation on the lookup path shows up as a number, not a guess.
/// </summary>
internal sealed class LookupConfig : ManualConfig
{
    public LookupConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
