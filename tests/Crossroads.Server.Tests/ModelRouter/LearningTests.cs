using System.Net;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>The bandit policies learn from /v1/observe: with a fixed seed the better model wins the traffic.</summary>
public sealed class LearningTests
{
    [Theory]
    [InlineData("thompson")]
    [InlineData("ucb")]
    public async Task Observed_quality_moves_the_traffic_to_the_better_model(string policy)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Text = "ok";
        upstream.Model("strong").Text = "ok";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Routing:Bandit:Seed=7"));

        var served = new List<string>();
        for (int i = 0; i < 300; i++)
        {
            using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("auto", "Tell me something", crossroads: new { policy }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var model = Json.Header(response, "x-crossroads-model");
            served.Add(model);
            using var observed = await Json.PostAsync(server.Client, "/v1/observe", new Dictionary<string, object>
            {
                ["request_id"] = Json.Header(response, "x-crossroads-decision-id"),
                ["quality_score"] = model == "strong" ? 0.95 : 0.1,
            });
            Assert.Equal(HttpStatusCode.OK, observed.StatusCode);
        }

        int strongLast100 = served.Skip(200).Count(static m => m == "strong");
        Assert.True(strongLast100 >= 85, $"{policy}: strong served {strongLast100} of the last 100");
        // It explored: the cheaper model (first by cost) was tried too.
        Assert.Contains("cheap", served);
    }
}
