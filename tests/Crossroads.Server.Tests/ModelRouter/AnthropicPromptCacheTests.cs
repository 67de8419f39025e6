using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// <c>Models:N:PromptCache=auto</c> on an Anthropic model: a <c>cache_control</c> breakpoint on the last tool and on
/// the system text (as one text block), and nowhere else; with <c>off</c> (the default) none at all.
/// </summary>
public sealed class AnthropicPromptCacheTests
{
    private const string Extra = """
        {"messages":[{"role":"system","content":"You are terse."},{"role":"developer","content":"Answer in English."},{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"weather?"}],
         "tools":[{"type":"function","function":{"name":"first","parameters":{"type":"object","properties":{}}}},{"type":"function","function":{"name":"second"}}]}
        """;

    [Fact]
    public async Task Auto_marks_the_last_tool_and_the_system_block_and_nothing_else()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Models:0:PromptCache=auto"));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", Extra));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string raw = Assert.Single(upstream.Bodies);
        var sent = JsonDocument.Parse(raw).RootElement;
        var system = Assert.Single(sent.GetProperty("system").EnumerateArray());
        Assert.Equal("text", system.GetProperty("type").GetString());
        Assert.Equal("You are terse.\n\nAnswer in English.", system.GetProperty("text").GetString());
        Assert.Equal("ephemeral", system.GetProperty("cache_control").GetProperty("type").GetString());
        var tools = sent.GetProperty("tools");
        Assert.False(tools[0].TryGetProperty("cache_control", out _));
        Assert.Equal("ephemeral", tools[1].GetProperty("cache_control").GetProperty("type").GetString());
        Assert.Equal(2, CountOf(raw, "cache_control")); // none in the messages; Anthropic allows 4
    }

    [Fact]
    public async Task Auto_without_system_or_tools_marks_nothing()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Models:0:PromptCache=auto"));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", "{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("cache_control", Assert.Single(upstream.Bodies), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Off_or_unset_sends_no_breakpoint_and_the_system_text_as_a_string(bool explicitOff)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        string[] settings = explicitOff ? ["--ModelRouter:Models:0:PromptCache=off"] : [];
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, settings));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", Extra));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string raw = Assert.Single(upstream.Bodies);
        Assert.DoesNotContain("cache_control", raw, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(raw).RootElement.GetProperty("system").ValueKind);
    }

    private static int CountOf(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
