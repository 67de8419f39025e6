using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Crossroads.ModelRouting.Bandits;
using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Execution;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;
using Crossroads.ModelRouting.Tokens;

namespace Crossroads.Benchmarks.ModelRouting;

/// <summary>
/// What the router adds to a request before and around the upstream call: counting the prompt's tokens, planning
/// (eligibility of 6 models, then the policy), and a whole engine run (plan, budget reserve/settle, attempt, learner
/// update, decision record) against a provider that answers instantly in-process. No HTTP: that is measured by the
/// load tests.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class RoutingDecisionBenchmarks
{
    private const string Prompt = "Explain in two sentences how a longest-prefix match routing table picks a route for an IPv4 address.";

    private RoutePlanner _planner = null!;
    private RouterEngine _engine = null!;
    private RouteRequest _request = null!;
    private ProviderRequest _provider = null!;

    [GlobalSetup]
    public void Setup()
    {
        var settings = new RoutingSettings { Seed = 1 };
        var models = Enumerable.Range(0, 6).Select(static i => new ModelDescriptor
        {
            Id = "m" + i,
            Upstream = "instant",
            InputPricePerMTok = 0.1m * (i + 1),
            OutputPricePerMTok = 0.4m * (i + 1),
            Quality = 0.5 + (0.08 * i),
            LatencyP95Ms = 300 * (i + 1),
            ContextWindow = 128_000,
        }).ToList();
        var learner = new BanditLearner(settings.Seed);
        var latency = new LatencyTracker();
        var health = new UpstreamHealth(settings, TimeProvider.System);
        _planner = new RoutePlanner(new ModelCatalog(models), [], settings, learner, latency, health);
        _engine = new RouterEngine(
            _planner,
            new Dictionary<string, UpstreamEndpoint> { ["instant"] = new(new InstantProvider(), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)) },
            new BudgetLedger(new Dictionary<string, decimal> { ["t"] = 1_000_000_000m }),
            new DecisionStore(10_000),
            learner,
            latency,
            health,
            TimeProvider.System);
        int tokens = TokenCounter.Count(Prompt);
        _request = new RouteRequest { InputTokens = tokens, Cluster = PromptClusters.Of(Prompt, tokens), LatencySloMs = 2000 };
        _provider = new ProviderRequest { Messages = [new ChatMessage("user", Prompt)] };
    }

    [Benchmark]
    public int CountPromptTokens() => TokenCounter.Count(Prompt);

    [Benchmark]
    public string Cluster() => PromptClusters.Of(Prompt, 24);

    [Benchmark]
    public int PlanCheapestMeetingSlo() => _planner.Plan(_request).Attempts.Count;

    [Benchmark]
    public int PlanUcb() => _planner.Plan(_request with { Policy = RoutingPolicy.Ucb }).Attempts.Count;

    [Benchmark]
    public int PlanThompson() => _planner.Plan(_request with { Policy = RoutingPolicy.Thompson }).Attempts.Count;

    [Benchmark]
    public async Task<RouteStatus> EngineRunInstantUpstream()
    {
        var call = new RouteCall
        {
            DecisionId = _engine.Decisions.NewId(),
            Route = _request with { Policy = RoutingPolicy.Thompson },
            Provider = _provider,
            Tenant = "t",
            Endpoint = "bench",
            PromptHash = "0",
        };
        var result = await _engine.RunAsync(call, NullSink.Instance, CancellationToken.None).ConfigureAwait(false);
        return result.Status;
    }

    private sealed class InstantProvider : IModelProvider
    {
        public string Id => "instant";

        public RequestFeatures Capabilities => RequestFeatures.All;

        public async IAsyncEnumerable<CompletionEvent> StreamAsync(string model, ProviderRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            yield return CompletionEvent.Delta("A routing table");
            yield return CompletionEvent.Delta(" keeps the longest matching prefix.");
            yield return CompletionEvent.Finish("stop");
            yield return CompletionEvent.UsageReport(new TokenUsage(24, 9));
        }
    }

    private sealed class NullSink : ICompletionSink
    {
        public static readonly NullSink Instance = new();

        public ValueTask StartAsync(RouteStart start, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DeltaAsync(string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask ToolCallAsync(ToolCallDelta delta, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CompleteAsync(string finishReason, TokenUsage usage, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask FailAsync(ProviderException error, TokenUsage usage, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public bool TryRetract() => false;
    }
}
