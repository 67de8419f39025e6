using BenchmarkDotNet.Attributes;
using Crossroads.RoutingTable;

namespace Crossroads.Benchmarks.Lookup;

/// <summary>
/// Single-thread lookups on the full table, one address after another (single) and through the span API
/// (bulk). Each invocation resolves <see cref="Count"/> pre-generated addresses to their route.
/// </summary>
[Config(typeof(LookupConfig))]
public class LookupBenchmarks
{
    private const int Count = 1 << 20;

    private RouteTableSnapshot _table = null!;
    private uint[] _randomV4 = null!;
    private uint[] _insideV4 = null!;
    private UInt128[] _insideV6 = null!;
    private ulong[] _v6High = null!;
    private ulong[] _v6Low = null!;
    private int[] _results = null!;

    [GlobalSetup]
    public void Setup()
    {
        _table = SharedTable.Get().Current;
        _randomV4 = Workload.RandomV4(Count, seed: 1);
        _insideV4 = Workload.InsideV4(_table, Count, seed: 2);
        _insideV6 = Workload.InsideV6(_table, Count, seed: 3);
        _v6High = Array.ConvertAll(_insideV6, static a => (ulong)(a >> 64));
        _v6Low = Array.ConvertAll(_insideV6, static a => (ulong)a);
        _results = new int[Count];
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public long V4Random() => Single(_randomV4);

    [Benchmark(OperationsPerInvoke = Count)]
    public long V4Inside() => Single(_insideV4);

    [Benchmark(OperationsPerInvoke = Count)]
    public long V6Inside()
    {
        long sum = 0;
        var table = _table;
        for (int i = 0; i < _v6High.Length; i++)
        {
            sum += table.LookupV6(_v6High[i], _v6Low[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int V4RandomBulk()
    {
        _table.LookupV4(_randomV4, _results);
        return _results[^1];
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int V4InsideBulk()
    {
        _table.LookupV4(_insideV4, _results);
        return _results[^1];
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int V6InsideBulk()
    {
        _table.LookupV6(_insideV6, _results);
        return _results[^1];
    }

    private long Single(uint[] addresses)
    {
        long sum = 0;
        var table = _table;
        foreach (uint a in addresses)
        {
            sum += table.LookupV4(a);
        }

        return sum;
    }
}
