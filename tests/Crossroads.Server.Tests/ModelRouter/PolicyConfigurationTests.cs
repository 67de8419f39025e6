using System.Net;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>The policies configured on an alias, through the server: the plan's order and reason.</summary>
public sealed class PolicyConfigurationTests
{
    [Fact]
    public async Task A_weighted_alias_draws_by_its_configured_weights_with_the_seed()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(
            upstream.BaseUrl,
            "--ModelRouter:Routing:Bandit:Seed=7",
            "--ModelRouter:Aliases:0:Name=spread",
            "--ModelRouter:Aliases:0:Policy=weighted",
            "--ModelRouter:Aliases:0:Candidates:0=cheap",
            "--ModelRouter:Aliases:0:Candidates:1=strong",
            "--ModelRouter:Aliases:0:Weights:strong=3",
            "--ModelRouter:Aliases:0:Weights:cheap=1"));

        int strongFirst = 0;
        const int Plans = 200;
        for (int i = 0; i < Plans; i++)
        {
            using var response = await Json.PostAsync(server.Client, "/v1/plan", Json.Chat("spread", "hi", crossroads: new { quality = "fast" }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var plan = await Json.ReadAsync(response);
            Assert.Equal("weighted", plan.GetProperty("policy").GetString());
            Assert.StartsWith("weighted draw: ", plan.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(2, plan.GetProperty("fallbacks").GetArrayLength() + 1);
            strongFirst += plan.GetProperty("chosen").GetString() == "strong" ? 1 : 0;
        }

        // p = 0.75; with 200 draws the share lies within ±0.1 far beyond 3 standard deviations (0.031).
        Assert.InRange(strongFirst / (double)Plans, 0.65, 0.85);
    }

    [Fact]
    public async Task Invalid_weights_stop_the_start_naming_the_key()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(
            upstream.BaseUrl,
            "--ModelRouter:Aliases:0:Name=spread",
            "--ModelRouter:Aliases:0:Policy=weighted",
            "--ModelRouter:Aliases:0:Weights:nosuch=1")));
        Assert.Contains("ModelRouter:Aliases:0: no model 'nosuch' is configured", error.ToString(), StringComparison.Ordinal);
    }
}
