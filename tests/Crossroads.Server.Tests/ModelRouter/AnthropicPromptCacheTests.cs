using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// <c>Models:N:PromptCache=auto</c> on an Anthropic model: a <c>cache_control</c> breakpoint on the last tool, on the
/// system text (as one text block) and on the last block of the last user turn (the rolling breakpoint), and nowhere
/// else, with the model's <c>PromptCacheTtl</c>; with <c>off</c> (the default) none at all.
/// </summary>
public sealed class AnthropicPromptCacheTests
{
    private const string Extra = """
        {"messages":[{"role":"system","content":"You are terse."},{"role":"developer","content":"Answer in English."},{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"weather?"}],
         "tools":[{"type":"function","function":{"name":"first","parameters":{"type":"object","properties":{}}}},{"type":"function","function":{"name":"second"}}]}
        """;

    [Fact]
    public async Task Auto_marks_the_last_tool_the_system_block_and_the_last_user_turn_and_nothing_else()
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
        var messages = sent.GetProperty("messages");
        Assert.Equal("hi", messages[0].GetProperty("content").GetString()); // earlier turns unchanged
        var last = Assert.Single(messages[2].GetProperty("content").EnumerateArray());
        Assert.Equal("weather?", last.GetProperty("text").GetString());
        Assert.Equal("""{"type":"ephemeral"}""", last.GetProperty("cache_control").GetRawText()); // 5 minutes: no ttl written
        Assert.Equal(3, CountOf(raw, "cache_control")); // Anthropic allows 4
    }

    [Fact]
    public async Task Auto_without_system_or_tools_marks_only_the_last_user_turn()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Models:0:PromptCache=auto"));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", "{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string raw = Assert.Single(upstream.Bodies);
        Assert.Equal(1, CountOf(raw, "cache_control"));
        Assert.Equal("hi", JsonDocument.Parse(raw).RootElement.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task In_a_tool_loop_the_rolling_breakpoint_is_on_the_last_tool_result_and_an_hour_ttl_is_on_every_breakpoint()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(
            upstream, "--ModelRouter:Models:0:PromptCache=auto", "--ModelRouter:Models:0:PromptCacheTtl=1h"));
        var body = CapabilityRequests.Body("claude", """
            {"tools":[{"type":"function","function":{"name":"lookup"}}],"messages":[
              {"role":"system","content":"S"},
              {"role":"user","content":"hi"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"lookup","arguments":"{}"}},{"id":"toolu_2","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"toolu_1","content":"41"},
              {"role":"tool","tool_call_id":"toolu_2","content":"42"}]}
            """);

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string raw = Assert.Single(upstream.Bodies);
        var results = JsonDocument.Parse(raw).RootElement.GetProperty("messages")[2].GetProperty("content");
        Assert.False(results[0].TryGetProperty("cache_control", out _));
        Assert.Equal("toolu_2", results[1].GetProperty("tool_use_id").GetString());
        Assert.Equal("""{"type":"ephemeral","ttl":"1h"}""", results[1].GetProperty("cache_control").GetRawText());
        Assert.Equal(3, CountOf(raw, "cache_control"));
        Assert.Equal(3, CountOf(raw, "\"ttl\":\"1h\""));
    }

    [Theory]
    [InlineData("--ModelRouter:Models:0:PromptCacheTtl=2h", "ModelRouter:Models:0:PromptCacheTtl: must be 5m or 1h, got '2h'")]
    [InlineData("--ModelRouter:Models:0:PromptCacheTtl=1h", "ModelRouter:Models:0:PromptCacheTtl: needs PromptCache=auto")]
    public async Task A_wrong_or_useless_ttl_fails_the_start_naming_it(string setting, string expected)
    {
        await using var upstream = await FakeUpstream.StartAsync();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, setting)));

        Assert.Contains(expected, e.ToString(), StringComparison.Ordinal);
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
