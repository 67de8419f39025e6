using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// <c>Models:N:MaxOutputTokens</c>, a model's output limit (thinking included): a thinking budget that would pass it
/// is cut to what the answer leaves (at least Anthropic's 1,024), and a request that cannot fit is routed around the
/// model (<c>max_output</c>) instead of being refused by the upstream.
/// </summary>
public sealed class MaxOutputTokensTests
{
    private static string[] Config(FakeUpstream upstream) =>
        [.. CapabilityRequests.ClaudeFirst(upstream), "--ModelRouter:Models:0:Thinking=true", "--ModelRouter:Models:0:MaxOutputTokens=8192"];

    [Theory]
    // high is 16,384 tokens of thinking: with 1,000 for the answer, 7,192 fit under 8,192.
    [InlineData("high", 7192, 8192)]
    // medium's 4,096 fit whole.
    [InlineData("medium", 4096, 5096)]
    public async Task A_thinking_budget_is_cut_to_what_the_answer_leaves_under_the_limit_and_sent_whole_within_it(string effort, int budget, int maxTokens)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(Config(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", $$"""{"reasoning_effort":"{{effort}}","max_tokens":1000}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal(budget, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(maxTokens, sent.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task An_answer_over_the_limit_goes_to_a_model_that_can_give_it()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(Config(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", """{"max_tokens":10000}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt", Json.Header(response, "x-crossroads-model")); // claude is the cheaper: chosen without the limit
        Assert.Equal(0, upstream.Calls("claude-fake"));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
        var claude = decision.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "claude");
        var exclusion = Assert.Single(claude.GetProperty("exclusions").EnumerateArray());
        Assert.Equal("max_output", exclusion.GetProperty("code").GetString());
        Assert.Equal("10000 output tokens exceed the model's output limit of 8192", exclusion.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_pinned_model_that_cannot_fit_answer_and_minimum_thinking_is_a_400_before_any_call()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(Config(upstream));

        // 8,000 for the answer leaves 192, under Anthropic's minimum budget of 1,024.
        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"reasoning_effort":"high","max_tokens":8000}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, upstream.Calls("claude-fake"));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
        var claude = decision.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "claude");
        Assert.Contains(claude.GetProperty("exclusions").EnumerateArray(), static e =>
            e.GetProperty("code").GetString() == "max_output"
            && e.GetProperty("detail").GetString() == "8000 answer tokens and a thinking budget of at least 1024 exceed the model's output limit of 8192");
    }

    [Fact]
    public async Task An_output_limit_out_of_range_fails_the_start_naming_it()
    {
        await using var upstream = await FakeUpstream.StartAsync();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Models:0:MaxOutputTokens=0")));

        Assert.Contains("ModelRouter:Models:0:MaxOutputTokens: must be between 1 and 100000000", e.ToString(), StringComparison.Ordinal);
    }
}
