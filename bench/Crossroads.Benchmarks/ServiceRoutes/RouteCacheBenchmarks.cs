using BenchmarkDotNet.Attributes;
using Crossroads.ServiceRoutes;
using Crossroads.ServiceRoutes.Caching;

namespace Crossroads.Benchmarks.ServiceRoutes;

/// <summary>
/// The in-process part of a resolve: a cache lookup by (tenant, service, env, version), hit and miss, with 10,000 and
/// 1,000,000 routes cached (keys as bench/load/resolve-routes.lua asks for them), and applying a changed route.
/// The reference is a plain <see cref="Dictionary{TKey,TValue}"/> keyed by the <see cref="RouteKey"/> struct.
/// </summary>
[MemoryDiagnoser]
public class RouteCacheBenchmarks
{
    private const int Keys = 1024;
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private RouteCache _cache = null!;
    private Dictionary<RouteKey, string> _reference = null!;
    private RouteKey[] _hits = null!;
    private RouteKey[] _misses = null!;
    private long _revision;

    [Params(10_000, 1_000_000)]
    public int Routes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cache = new RouteCache();
        _reference = new Dictionary<RouteKey, string>(Routes);
        for (int k = 0; k < Routes; k++)
        {
            var key = KeyOf(k);
            string url = $"http://s{k}.t{k % 100}.svc.cluster.local:8080";
            _cache.Apply(new ServiceRoute(key, url, RouteState.Active, k + 1, T0, T0));
            _reference[key] = url;
        }

        _revision = Routes;
        var random = new Random(42);
        // Fresh key instances (as parsed from a query string), not the ones stored.
        _hits = [.. Enumerable.Range(0, Keys).Select(_ => KeyOf(random.Next(Routes)))];
        _misses = [.. Enumerable.Range(0, Keys).Select(_ => KeyOf(Routes + random.Next(Routes)))];
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public int FindHit()
    {
        int found = 0;
        foreach (var key in _hits)
        {
            found += _cache.Find(key) is { IsActive: true } ? 1 : 0;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public int FindMiss()
    {
        int found = 0;
        foreach (var key in _misses)
        {
            found += _cache.Find(key) is null ? 0 : 1;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys, Baseline = true)]
    public int ReferenceDictionaryHit()
    {
        int found = 0;
        foreach (var key in _hits)
        {
            found += _reference.TryGetValue(key, out _) ? 1 : 0;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public void ApplyNewerRevision()
    {
        foreach (var key in _hits)
        {
            _cache.Apply(new ServiceRoute(key, "http://moved.example:8080", RouteState.Active, ++_revision, T0, T0));
        }
    }

    private static RouteKey KeyOf(int k) => new($"t{k % 100}", $"s{k}", "prod", "v1");
}
