using System.Net;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>What <c>GET /v1/decisions/{id}</c> and <c>/v1/observe</c> see of the decision ring: dropped decisions, observed scores.</summary>
public sealed class DecisionStoreHttpTests
{
    [Fact]
    public async Task Decisions_beyond_DecisionCapacity_are_dropped_oldest_first()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Text = "ok";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:DecisionCapacity=3"));
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hello " + i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add(Json.Header(response, "x-crossroads-decision-id"));
        }

        Assert.All(ids, static id => Assert.Matches("^[0-9a-f]{32}$", id));
        for (int i = 0; i < ids.Count; i++)
        {
            using var answer = await server.Client.GetAsync(new Uri("/v1/decisions/" + ids[i], UriKind.Relative));
            Assert.Equal(i >= 2 ? HttpStatusCode.OK : HttpStatusCode.NotFound, answer.StatusCode);
        }

        using var observed = await Json.PostAsync(server.Client, "/v1/observe", new Dictionary<string, object> { ["request_id"] = ids[0], ["quality_score"] = 0.5 });
        Assert.Equal(HttpStatusCode.NotFound, observed.StatusCode);
    }

    [Fact]
    public async Task An_observation_changes_the_kept_decision_s_reward_and_observed_quality()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Text = "ok";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));
        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hello"));
        string id = Json.Header(response, "x-crossroads-decision-id");
        var before = await Json.GetAsync(server.Client, "/v1/decisions/" + id);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, before.GetProperty("observed_quality").ValueKind);
        double reward = before.GetProperty("reward").GetDouble();

        using var observed = await Json.PostAsync(server.Client, "/v1/observe", new Dictionary<string, object> { ["request_id"] = id, ["quality_score"] = 0.1 });
        var answer = await Json.ReadAsync(observed);

        Assert.Equal(HttpStatusCode.OK, observed.StatusCode);
        Assert.Equal(id, Json.Header(observed, "x-crossroads-decision-id"));
        Assert.Equal("cheap", Json.Header(observed, "x-crossroads-model"));
        Assert.Equal("1", Json.Header(observed, "x-crossroads-attempts"));
        Assert.Equal("pinned", Json.Header(observed, "x-crossroads-policy"));
        double newReward = answer.GetProperty("reward").GetDouble();
        Assert.True(newReward < reward, $"reward {reward} → {newReward} after a low quality score");
        Assert.Equal("cheap", answer.GetProperty("model").GetString());
        var after = await Json.GetAsync(server.Client, "/v1/decisions/" + id);
        Assert.Equal(0.1, after.GetProperty("observed_quality").GetDouble());
        Assert.Equal(newReward, after.GetProperty("reward").GetDouble());
        Assert.Equal(before.GetProperty("attempts").GetRawText(), after.GetProperty("attempts").GetRawText());
    }

    [Fact]
    public async Task A_planned_decision_cannot_be_observed()
    {
        await using var server = await ModelRouterServer.StartAsync();
        using var plan = await Json.PostAsync(server.Client, "/v1/plan", new Dictionary<string, object> { ["prompt"] = "hi" });
        string id = Json.Header(plan, "x-crossroads-decision-id");
        Assert.Equal("planned", (await Json.GetAsync(server.Client, "/v1/decisions/" + id)).GetProperty("outcome").GetString());

        using var observed = await Json.PostAsync(server.Client, "/v1/observe", new Dictionary<string, object> { ["request_id"] = id, ["quality_score"] = 0.5 });
        Assert.Equal(HttpStatusCode.Conflict, observed.StatusCode);
    }
}
