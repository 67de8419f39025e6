using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// <c>Upstreams:N:MaxTokensParameter</c>: the member an OpenAI-compatible upstream receives the token cap in, whichever
/// of <c>max_tokens</c> and <c>max_completion_tokens</c> the client used; validated at start.
/// </summary>
public sealed class MaxTokensParameterTests
{
    private static Dictionary<string, object?> Body(string member, int cap) => new()
    {
        ["model"] = "gpt",
        ["messages"] = new[] { new { role = "user", content = "hi" } },
        [member] = cap,
    };

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task Configured_max_completion_tokens_sends_the_cap_in_it_and_no_max_tokens(string clientMember)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Upstreams:1:MaxTokensParameter=max_completion_tokens"));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Body(clientMember, 77));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal(77, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(sent.TryGetProperty("max_tokens", out _));
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task By_default_the_cap_is_sent_as_max_tokens_only(string clientMember)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Body(clientMember, 77));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal(77, sent.GetProperty("max_tokens").GetInt32());
        Assert.False(sent.TryGetProperty("max_completion_tokens", out _));
    }

    [Fact]
    public async Task The_official_sdk_against_a_reasoning_model_upstream_gets_its_cap_through()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Text = "Capped.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Upstreams:1:MaxTokensParameter=max_completion_tokens"));

        ChatCompletion answer = (await server.Chat("gpt").CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 12 })).Value;

        Assert.Equal("Capped.", answer.Content[0].Text);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal(12, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(sent.TryGetProperty("max_tokens", out _));
    }

    [Fact]
    public async Task The_anthropic_upstream_keeps_max_tokens_whatever_the_openai_upstream_is_configured_with()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Upstreams:1:MaxTokensParameter=max_completion_tokens"));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", new Dictionary<string, object?>
        {
            ["model"] = "claude",
            ["messages"] = new[] { new { role = "user", content = "hi" } },
            ["max_completion_tokens"] = 33,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal(33, sent.GetProperty("max_tokens").GetInt32());
        Assert.False(sent.TryGetProperty("max_completion_tokens", out _));
    }

    [Theory]
    [InlineData("--ModelRouter:Upstreams:1:MaxTokensParameter=max_output_tokens", "ModelRouter:Upstreams:1:MaxTokensParameter: must be max_tokens or max_completion_tokens, got 'max_output_tokens'")]
    [InlineData("--ModelRouter:Upstreams:1:MaxTokensParameter=", "ModelRouter:Upstreams:1:MaxTokensParameter")]
    [InlineData("--ModelRouter:Upstreams:0:MaxTokensParameter=max_completion_tokens", "ModelRouter:Upstreams:0:MaxTokensParameter: only kind 'openai'")]
    public async Task An_invalid_value_stops_the_start_naming_the_key(string setting, string expected)
    {
        await using var upstream = await FakeUpstream.StartAsync();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, setting)));

        Assert.Contains(expected, e.ToString(), StringComparison.Ordinal);
    }
}
