using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.Benchmarks.ModelRouting;

/// <summary>
/// What keeping one decision costs the request path: the ring (an id, the record written as JSON into its slot)
/// against the dictionary of records it replaced (kept here as the baseline). The ring's work per request is larger;
/// what it saves is in the collections (bench/load/model-router-gc.sh), which a microbenchmark does not show.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class DecisionStoreBenchmarks
{
    private static readonly Crossroads.ModelRouting.Providers.JsonBytes Json = new(default);
    private readonly DecisionStore _ring = new(10_000);
    private readonly DictionaryStore _dictionary = new(10_000);
    private DecisionRecord _record = null!;
    private string _keptId = null!;

    [GlobalSetup]
    public void Setup()
    {
        var models = Enumerable.Range(0, 6).Select(static i => new ModelDescriptor { Id = "m" + i, Upstream = "instant", Quality = 0.5 + (0.08 * i) }).ToArray();
        _record = new DecisionRecord
        {
            Id = "",
            CreatedAt = DateTimeOffset.UtcNow,
            Tenant = "default",
            RequestedModel = "auto",
            Endpoint = "chat.completions",
            PromptHash = "00112233445566778899aabbccddeeff",
            InputTokens = 24,
            Plan = new RoutingPlan
            {
                Policy = RoutingPolicy.Thompson,
                Cluster = "question:s",
                Candidates = [.. models.Select(static (m, i) => new CandidateEvaluation { Model = m.Id, Upstream = m.Upstream, EstimatedCostUsd = 0.00001m * (i + 1), Quality = m.Quality, LatencyP95Ms = 300 * (i + 1), Score = 0.5, Rank = i })],
                Attempts = models,
                Reason = "thompson sampling drew the highest score",
                MaxOutputTokens = 1024,
            },
            Attempts = [new AttemptRecord { Model = "m0", Upstream = "instant", Outcome = "served", LatencyMs = 0.4, TimeToFirstTokenMs = 0.3, PromptTokens = 24, CompletionTokens = 8, CostUsd = 0.000012m }],
            ServedBy = "m0",
            Outcome = "completed",
            ReservedUsd = 0.00006m,
            BilledUsd = 0.000012m,
            Reward = 0.83,
        };
        _keptId = _ring.NewId();
        _ring.Add(_record with { Id = _keptId });
    }

    [Benchmark(Baseline = true)]
    public void KeepInDictionary() => _dictionary.Add(_record with { Id = Guid.CreateVersion7().ToString("N") });

    [Benchmark]
    public void KeepInRing() => _ring.Add(_record with { Id = _ring.NewId() });

    [Benchmark]
    public string NewId() => _ring.NewId();

    [Benchmark]
    public int WriteJson() => Json.ToBytes(_record, DecisionJson.Write).Length;

    [Benchmark]
    public bool ReadFromRing() => _ring.TryGet(_keptId, out _);

    /// <summary>The store before the ring (records in a dictionary, an id queue for the eviction order).</summary>
    private sealed class DictionaryStore(int capacity)
    {
        private readonly ConcurrentDictionary<string, DecisionRecord> _byId = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();
        private readonly Lock _lock = new();

        public void Add(DecisionRecord record)
        {
            lock (_lock)
            {
                if (_byId.TryAdd(record.Id, record))
                {
                    _order.Enqueue(record.Id);
                    while (_order.Count > capacity && _order.TryDequeue(out var oldest))
                    {
                        _byId.TryRemove(oldest, out _);
                    }
                }
            }
        }
    }
}
