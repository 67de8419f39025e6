using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Per-upstream breakers, Retry-After and MaxConcurrency, seen through the server: who is called, and what the plan says.</summary>
public sealed class UpstreamHealthTests
{
    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task A_misconfigured_upstream_is_put_in_cooldown_at_once_and_not_called_again(int status)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").FailStatus = status;
        upstream.Model("gpt").Text = "served by gpt";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        for (int i = 0; i < 3; i++)
        {
            using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi", models: ["gpt"]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("gpt", Json.Header(response, "x-crossroads-model"));
        }

        Assert.Equal(1, upstream.Calls("claude-fake"));
        var plan = await PlanAsync(server, "claude", ["gpt"]);
        var claude = Candidate(plan, "claude");
        Assert.False(claude.GetProperty("eligible").GetBoolean());
        var exclusion = claude.GetProperty("excluded_by")[0];
        Assert.Equal("cooling_down", exclusion.GetProperty("code").GetString());
        Assert.Contains($"it answered {status}", exclusion.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_after_of_a_429_keeps_the_upstream_uncalled_and_the_plan_says_why()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.FailStatus = 429;
        claude.FailFirstCalls = 1;
        claude.RetryAfterSeconds = 30;
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using (var first = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi", models: ["gpt"])))
        {
            Assert.Equal("gpt", Json.Header(first, "x-crossroads-model"));
        }

        // The upstream would answer now, but asked for 30 s: no call until then.
        using (var second = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi", models: ["gpt"])))
        {
            Assert.Equal("gpt", Json.Header(second, "x-crossroads-model"));
        }

        Assert.Equal(1, upstream.Calls("claude-fake"));
        var exclusion = Candidate(await PlanAsync(server, "claude", ["gpt"]), "claude").GetProperty("excluded_by")[0];
        Assert.Equal("retry_after", exclusion.GetProperty("code").GetString());

        // Alone, the request is refused with the wait the upstream asked for, not a 400.
        using var alone = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi"));
        var problem = await Json.ReadAsync(alone);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, alone.StatusCode);
        Assert.Equal("models_cooling_down", problem.GetProperty("error").GetProperty("code").GetString());
        var retryAfter = int.Parse(Json.Header(alone, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 20, 30);
    }

    [Fact]
    public async Task Failures_within_the_window_open_the_breaker_for_the_upstream_not_only_the_model()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").FailStatus = 503;
        upstream.Model("strong").Text = "ok";
        // Both models live on upstream 'fake': two failures of 'cheap' open it for 'strong' too.
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Routing:Cooldown:AllowedFails=2"));

        for (int i = 0; i < 2; i++)
        {
            using var failed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi"));
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("strong", "hi"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, upstream.Calls("strong"));
        var metrics = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("""(?m)^model_router_breaker_opens_total\{[^}]*upstream="fake"[^}]*\} 1$""", metrics);
    }

    [Fact]
    public async Task Max_concurrency_skips_a_saturated_upstream_instead_of_queueing()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.Text = "a b c d e f";
        claude.InterTokenDelay = TimeSpan.FromMilliseconds(150);
        upstream.Model("gpt").Text = "served by gpt";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Upstreams:0:MaxConcurrency=1"));

        using var slowClient = server.NewClient();
        var slow = Json.PostAsync(slowClient, "/v1/chat/completions", Json.Chat("claude", "hi", models: ["gpt"]));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (upstream.Calls("claude-fake") == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        using var second = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi", models: ["gpt"]));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("gpt", Json.Header(second, "x-crossroads-model"));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(second, "x-crossroads-decision-id"));
        var excluded = Candidate(decision, "claude").GetProperty("exclusions");
        Assert.Equal("saturated", excluded[0].GetProperty("code").GetString());

        using var first = await slow;
        Assert.Equal("claude", Json.Header(first, "x-crossroads-model"));
        Assert.Equal(1, upstream.Calls("claude-fake"));
    }

    private static async Task<JsonElement> PlanAsync(ModelRouterServer server, string model, string[] fallbacks)
    {
        using var response = await Json.PostAsync(server.Client, "/v1/plan", Json.Chat(model, "hi", models: fallbacks));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    private static JsonElement Candidate(JsonElement plan, string model) =>
        plan.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("model").GetString() == model);
}
