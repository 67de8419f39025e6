using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.Benchmarks.Lookup;

/// <summary>Reading the gzip'd full table and compiling it: what a start or a reload costs.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class LoadBenchmarks
{
    [Benchmark]
    public int LoadAndBuild() => RouteTable.Create(RouteFileLoader.Load(SharedTable.Path)).Current.RouteCount;
}
