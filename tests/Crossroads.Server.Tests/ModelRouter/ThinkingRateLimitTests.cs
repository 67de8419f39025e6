using System.Net;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// A key's tokens-per-minute admission of a request a thinking model may serve: the thinking budget is output on top
/// of max_tokens (the upstream is sent max_tokens + budget_tokens), so the admission counts it, as the reservation does.
/// </summary>
public sealed class ThinkingRateLimitTests
{
    [Fact]
    public async Task A_thinking_effort_is_admitted_with_its_budget_on_top_of_max_tokens()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(
            upstream,
            [.. ModelRouterServer.ApiKey(0, "ci"), "--ModelRouter:Keys:0:Name=ci", "--ModelRouter:Keys:0:Tpm=2000", "--ModelRouter:Models:0:Thinking=true"]));
        using var client = server.ClientWithKey("secret-ci");

        // Up to 100 + 16,384 output tokens: more than the key's whole minute.
        using var thinking = await Json.PostAsync(client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"reasoning_effort":"high","max_tokens":100}"""));
        using var plain = await Json.PostAsync(client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"max_tokens":100}"""));

        Assert.Equal(HttpStatusCode.TooManyRequests, thinking.StatusCode);
        Assert.Contains("Request too large", (await Json.ReadAsync(thinking)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Single(upstream.Bodies);
    }
}
