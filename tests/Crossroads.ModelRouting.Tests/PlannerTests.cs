using Crossroads.ModelRouting.Bandits;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Tests;

public sealed class PlannerTests
{
    private static RoutePlanner Planner(RoutingSettings? settings = null)
    {
        settings ??= new RoutingSettings();
        ModelDescriptor[] models =
        [
            new() { Id = "small", Upstream = "u", InputPricePerMTok = 0.1m, OutputPricePerMTok = 0.4m, Quality = 0.55, ContextWindow = 8_000, LatencyP95Ms = 400 },
            new() { Id = "mid", Upstream = "u", InputPricePerMTok = 1m, OutputPricePerMTok = 4m, Quality = 0.75, ContextWindow = 32_000, LatencyP95Ms = 800 },
            new() { Id = "big", Upstream = "u", InputPricePerMTok = 10m, OutputPricePerMTok = 30m, Quality = 0.95, ContextWindow = 200_000, LatencyP95Ms = 3000 },
            new() { Id = "off", Upstream = "u", Status = ModelStatus.Disabled },
        ];
        return new RoutePlanner(new ModelCatalog(models), [], settings, new BanditLearner(1), new LatencyTracker(), new UpstreamHealth(settings, TimeProvider.System));
    }

    [Fact]
    public void Cheapest_meeting_slo_picks_the_cheapest_model_above_the_tier_threshold()
    {
        var plan = Planner().Plan(new RouteRequest { Quality = QualityTier.High, InputTokens = 100 });
        Assert.Equal(["big"], plan.Attempts.Select(static m => m.Id));
        plan = Planner().Plan(new RouteRequest { Quality = QualityTier.Balanced, InputTokens = 100 });
        Assert.Equal(["small", "mid", "big"], plan.Attempts.Select(static m => m.Id));
    }

    [Fact]
    public void Max_cost_is_checked_against_the_estimate_of_input_and_output_cap()
    {
        // mid: 1000 × $1/M + 1000 × $4/M = $0.005.
        var plan = Planner().Plan(new RouteRequest { Quality = QualityTier.Balanced, InputTokens = 1000, MaxOutputTokens = 1000, MaxCostUsd = 0.005m });
        Assert.Equal(["small", "mid"], plan.Attempts.Select(static m => m.Id));
        Assert.Equal("max_cost", Assert.Single(plan.Candidates.Single(static c => c.Model == "big").Exclusions).Code);
    }

    [Fact]
    public void Every_exclusion_is_reported_with_its_code()
    {
        var plan = Planner().Plan(new RouteRequest { Quality = QualityTier.High, InputTokens = 10_000, LatencySloMs = 1000 });
        Assert.Equal(["context_window", "quality"], plan.Candidates.Single(static c => c.Model == "small").Exclusions.Select(static x => x.Code));
        Assert.Equal(["quality"], plan.Candidates.Single(static c => c.Model == "mid").Exclusions.Select(static x => x.Code));
        Assert.Equal(["latency_slo"], plan.Candidates.Single(static c => c.Model == "big").Exclusions.Select(static x => x.Code));
        Assert.Equal(["status", "context_window", "quality", "latency_slo"], plan.Candidates.Single(static c => c.Model == "off").Exclusions.Select(static x => x.Code));
        Assert.Empty(plan.Attempts);
    }

    [Fact]
    public void Pinned_models_skip_quality_and_latency_but_not_cost_and_fallbacks_follow_in_order()
    {
        var plan = Planner().Plan(new RouteRequest { Model = "small", Fallbacks = ["big", "mid"], Quality = QualityTier.High, LatencySloMs = 10 });
        Assert.Equal(RoutingPolicy.Pinned, plan.Policy);
        Assert.Equal(["small", "big", "mid"], plan.Attempts.Select(static m => m.Id));
    }

    /// <summary>A plan is kept with its decision (10,000 by default): what every plan says alike is one shared object, not one per request.</summary>
    [Fact]
    public void Plans_pinned_to_a_model_share_their_reason_cluster_and_empty_exclusions()
    {
        var planner = Planner();
        var request = new RouteRequest { Model = "mid", InputTokens = 10, Cluster = PromptClusters.Of("What does a router do?", 10) };
        var first = planner.Plan(request);
        var second = planner.Plan(request with { Cluster = PromptClusters.Of("What does a switch do?", 12) });
        Assert.Equal("pinned to 'mid'", first.Reason);
        Assert.Same(first.Reason, second.Reason);
        Assert.Equal("question:s", second.Cluster);
        Assert.Same(first.Cluster, second.Cluster);
        Assert.Empty(first.Candidates[0].Exclusions);
        Assert.Same(first.Candidates[0].Exclusions, second.Candidates[0].Exclusions);
    }

    [Fact]
    public void Unknown_names_throw()
    {
        Assert.Throws<UnknownModelException>(() => Planner().Plan(new RouteRequest { Model = "nope" }));
        Assert.Throws<UnknownModelException>(() => Planner().Plan(new RouteRequest { Model = "small", Fallbacks = ["nope"] }));
    }

    [Fact]
    public void Attempts_are_capped_at_max_attempts()
    {
        var plan = Planner(new RoutingSettings { MaxAttempts = 2 }).Plan(new RouteRequest { Quality = QualityTier.Fast });
        Assert.Equal(2, plan.Attempts.Count);
    }
}
