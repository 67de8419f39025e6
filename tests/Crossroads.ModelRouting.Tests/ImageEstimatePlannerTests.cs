using Crossroads.ModelRouting.Bandits;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;
using Crossroads.ModelRouting.Tokens;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// The planner counts a request's images by each candidate's rule: the cost estimate, <c>max_cost_usd</c>, the
/// context check and the reservation (the most of the planned attempts) follow the model, so a model that bills
/// images in many tokens reserves them, and one that bills few is not priced at a flat worst case.
/// </summary>
public sealed class ImageEstimatePlannerTests
{
    private static readonly ModelDescriptor Gpt4o = new() { Id = "gpt-4o", Upstream = "openai", InputPricePerMTok = 2.5m, OutputPricePerMTok = 10m, Quality = 0.9, ContextWindow = 128_000 };

    private static readonly ModelDescriptor Mini = new() { Id = "gpt-4o-mini", Upstream = "openai", InputPricePerMTok = 0.15m, OutputPricePerMTok = 0.6m, Quality = 0.8, ContextWindow = 128_000, ImageTokens = ImageTokenRule.Tiles(2833, 5667) };

    private static readonly ModelDescriptor Claude = new() { Id = "claude", Upstream = "anthropic", InputPricePerMTok = 3m, OutputPricePerMTok = 15m, Quality = 0.85, ContextWindow = 200_000, ImageTokens = ImageTokenRule.Anthropic };

    private static readonly ModelDescriptor Tiny = new() { Id = "tiny", Upstream = "openai", InputPricePerMTok = 0.01m, OutputPricePerMTok = 0.01m, Quality = 0.8, ContextWindow = 4_000, ImageTokens = ImageTokenRule.Tiles(2833, 5667) };

    private static RoutePlanner Planner(params ModelDescriptor[] models)
    {
        var settings = new RoutingSettings();
        return new RoutePlanner(new ModelCatalog(models), [], settings, new BanditLearner(1), new LatencyTracker(), new UpstreamHealth(settings, TimeProvider.System));
    }

    private static ImagePart Image(int width, int height, string? detail) =>
        new("data:image/png;base64,AAAA", detail, "{}") { Size = new ImageSize(width, height) };

    [Fact]
    public void Each_candidate_counts_the_images_by_its_rule_and_the_reservation_covers_the_largest()
    {
        var request = new RouteRequest { InputTokens = 100, MaxOutputTokens = 100, Images = [Image(1024, 1024, "high")] };

        var plan = Planner(Gpt4o, Mini, Claude).Plan(request);

        Assert.Equal(100 + 765, plan.Candidates.Single(static c => c.Model == "gpt-4o").InputTokens);
        Assert.Equal(100 + 2833 + (4 * 5667), plan.Candidates.Single(static c => c.Model == "gpt-4o-mini").InputTokens);
        Assert.Equal(100 + 1399, plan.Candidates.Single(static c => c.Model == "claude").InputTokens);
        Assert.Equal(Mini.CostUsd(100 + 25_501, 100), plan.Candidates.Single(static c => c.Model == "gpt-4o-mini").EstimatedCostUsd);
        Assert.Equal(3, plan.Attempts.Count);
        Assert.Equal(100 + 25_501, plan.InputTokens);
        Assert.True(plan.ReserveUsd >= Mini.CostUsd(100 + 25_501, 100), "the reservation covers what gpt-4o-mini bills for the image");
        Assert.True(Mini.CostUsd(100 + 1_600, 100) < Mini.CostUsd(100 + 25_501, 100), "the former flat 1,600 fell short for gpt-4o-mini");
    }

    [Fact]
    public void A_low_detail_image_costs_its_base_and_an_unknown_size_the_rules_largest()
    {
        var low = Planner(Gpt4o).Plan(new RouteRequest { InputTokens = 10, Images = [Image(4000, 3000, "low")] });
        var remote = Planner(Gpt4o, Mini).Plan(new RouteRequest { InputTokens = 10, Images = [new ImagePart("https://images.example.test/a.jpg", null, "{}")] });

        Assert.Equal(10 + 85, Assert.Single(low.Candidates).InputTokens);
        Assert.Equal(10 + 1445, remote.Candidates.Single(static c => c.Model == "gpt-4o").InputTokens);
        Assert.Equal(10 + 2833 + (8 * 5667), remote.Candidates.Single(static c => c.Model == "gpt-4o-mini").InputTokens);
    }

    [Fact]
    public void Max_cost_and_the_context_window_use_the_candidates_own_image_tokens()
    {
        var request = new RouteRequest { InputTokens = 100, MaxOutputTokens = 100, Images = [Image(1024, 1024, "high")] };
        decimal between = (Gpt4o.CostUsd(100 + 765, 100) + Mini.CostUsd(100 + 25_501, 100)) / 2; // mini costs more per image here

        var plan = Planner(Gpt4o, Mini, Tiny).Plan(request with { MaxCostUsd = Math.Max(between, Gpt4o.CostUsd(100 + 765, 100)) });

        var tiny = plan.Candidates.Single(static c => c.Model == "tiny");
        Assert.Contains(tiny.Exclusions, static x => x.Code == "context_window" && x.Detail.StartsWith("25601 prompt tokens", StringComparison.Ordinal));
        Assert.Contains(plan.Candidates.Single(static c => c.Model == "gpt-4o-mini").Exclusions, static x => x.Code == "max_cost");
        Assert.Empty(plan.Candidates.Single(static c => c.Model == "gpt-4o").Exclusions);
        Assert.Empty(Planner(Tiny).Plan(request with { Images = [Image(1024, 1024, "low")] }).Candidates.Single().Exclusions);
    }

    [Fact]
    public void Without_images_the_prompt_tokens_are_the_text_for_every_model()
    {
        var request = new RouteRequest { InputTokens = 123 };

        Assert.Equal(123, request.PromptTokens(Mini));
        Assert.Equal(123, request.PromptTokens(Claude));
        Assert.Equal(123, Planner(Gpt4o, Mini).Plan(request).InputTokens);
    }
}
