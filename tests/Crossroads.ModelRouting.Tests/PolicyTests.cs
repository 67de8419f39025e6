using Crossroads.ModelRouting.Bandits;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Tests;

/// <summary>least_busy, lowest_latency and weighted: the order they give and the reason they record.</summary>
public sealed class PolicyTests
{
    private static readonly ModelDescriptor[] Models =
    [
        new() { Id = "a", Upstream = "ua", InputPricePerMTok = 1m, OutputPricePerMTok = 1m, Quality = 0.7, LatencyP95Ms = 900 },
        new() { Id = "b", Upstream = "ub", InputPricePerMTok = 2m, OutputPricePerMTok = 2m, Quality = 0.7, LatencyP95Ms = 300 },
        new() { Id = "c", Upstream = "uc", InputPricePerMTok = 3m, OutputPricePerMTok = 3m, Quality = 0.7, LatencyP95Ms = 600 },
    ];

    private static (RoutePlanner Planner, UpstreamHealth Health, LatencyTracker Latency) Create(int? seed = 1, int minSamples = 3, IReadOnlyDictionary<string, double>? weights = null)
    {
        var settings = new RoutingSettings { Seed = seed, MinLatencySamples = minSamples };
        var health = new UpstreamHealth(settings, TimeProvider.System);
        var latency = new LatencyTracker();
        var alias = new RouteAlias("pool", null, [], []) { Weights = weights ?? new Dictionary<string, double>() };
        return (new RoutePlanner(new ModelCatalog(Models), [alias], settings, new BanditLearner(seed), latency, health), health, latency);
    }

    private static string[] Order(RoutingPlan plan) => [.. plan.Attempts.Select(static m => m.Id)];

    [Fact]
    public void Least_busy_orders_by_attempts_in_flight_on_each_upstream_with_ties_cheapest_first()
    {
        var (planner, health, _) = Create();
        var request = new RouteRequest { Model = "pool", Policy = RoutingPolicy.LeastBusy };
        Assert.Equal(["a", "b", "c"], Order(planner.Plan(request)));

        health.TryAcquire("ua", out var a1, out _);
        health.TryAcquire("ua", out var a2, out _);
        health.TryAcquire("uc", out var c1, out _);
        var plan = planner.Plan(request);

        Assert.Equal(["b", "c", "a"], Order(plan));
        Assert.Equal("least busy: 'b' with 0 requests in flight on upstream 'ub'", plan.Reason);
        Assert.Equal(2, plan.Candidates.Single(static c => c.Model == "a").Score);
        a1!.Dispose();
        a2!.Dispose();
        c1!.Dispose();
        Assert.Equal(["a", "b", "c"], Order(planner.Plan(request)));
    }

    [Fact]
    public void Lowest_latency_uses_the_prior_until_enough_answers_then_the_moving_average()
    {
        var (planner, _, latency) = Create(minSamples: 3);
        var request = new RouteRequest { Model = "pool", Policy = RoutingPolicy.LowestLatency };
        var plan = planner.Plan(request);
        Assert.Equal(["b", "c", "a"], Order(plan));
        Assert.Contains("prior p95", plan.Reason, StringComparison.Ordinal);

        // 'a' turns out fast and 'b' slow: once each has three answers, the observed averages rank them.
        foreach (var ms in new[] { 100.0, 120, 110 })
        {
            latency.Record("a", ms);
            latency.Record("b", ms * 20);
        }

        plan = planner.Plan(request);
        Assert.Equal(["a", "c", "b"], Order(plan));
        Assert.StartsWith("lowest latency: 'a' at 1", plan.Reason, StringComparison.Ordinal);
        Assert.Contains("moving average of 3 answers", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_moving_average_follows_a_model_that_got_slower_within_a_few_answers()
    {
        var latency = new LatencyTracker();
        for (int i = 0; i < 50; i++)
        {
            latency.Record("m", 100);
        }

        for (int i = 0; i < 5; i++)
        {
            latency.Record("m", 1000);
        }

        // After 5 slow answers: 1000 − 900 × 0.7^5 ≈ 849 ms, while the p95 of the 55 would still say 1000 and the mean 182.
        Assert.Equal(1000 - (900 * Math.Pow(1 - LatencyTracker.EwmaAlpha, 5)), latency.Ewma("m").Ewma, 6);
    }

    [Fact]
    public void Weighted_draws_follow_the_weights_and_the_same_seed_gives_the_same_draws()
    {
        var weights = new Dictionary<string, double> { ["a"] = 1, ["b"] = 3, ["c"] = 0 };
        var (planner, _, _) = Create(seed: 42, weights: weights);
        var (again, _, _) = Create(seed: 42, weights: weights);
        var request = new RouteRequest { Model = "pool", Policy = RoutingPolicy.Weighted };
        var firsts = new Dictionary<string, int>();
        for (int i = 0; i < 2000; i++)
        {
            var plan = planner.Plan(request);
            Assert.Equal(Order(plan), Order(again.Plan(request)));
            Assert.Equal("c", Order(plan)[^1]); // weight 0: only after every positive weight
            firsts[plan.Attempts[0].Id] = firsts.GetValueOrDefault(plan.Attempts[0].Id) + 1;
        }

        // p(b first) = 3/4: 1500 expected, σ ≈ 19.
        Assert.InRange(firsts["b"], 1400, 1600);
        Assert.False(firsts.ContainsKey("c"));
        var reason = planner.Plan(request).Reason;
        Assert.Matches(@"^weighted draw: '(a|b)' \(weight [13] of 4, p = 0\.(25|75)\)$", reason);
    }

    [Fact]
    public void An_open_breaker_excludes_every_model_of_that_upstream_with_the_reason()
    {
        var settings = new RoutingSettings { CooldownAllowedFails = 1 };
        var health = new UpstreamHealth(settings, TimeProvider.System);
        var planner = new RoutePlanner(new ModelCatalog(Models), [], settings, new BanditLearner(1), new LatencyTracker(), health);
        health.TryAcquire("ub", out var lease, out _);
        lease!.Failed(new Providers.ProviderException(Providers.ProviderFailureKind.Connection, "refused"));

        var plan = planner.Plan(new RouteRequest { Quality = QualityTier.Fast });

        Assert.Equal(["a", "c"], Order(plan));
        var exclusion = Assert.Single(plan.Candidates.Single(static c => c.Model == "b").Exclusions);
        Assert.Equal("cooling_down", exclusion.Code);
        Assert.Contains("upstream 'ub' breaker is open (1 failure within 60 s)", exclusion.Detail, StringComparison.Ordinal);
    }
}
