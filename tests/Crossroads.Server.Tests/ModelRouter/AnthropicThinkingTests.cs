using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// <c>reasoning_effort</c> on an Anthropic model configured to think (<c>Models:N:Thinking</c>): sent as extended
/// thinking with the effort's budget on top of <c>max_tokens</c>, estimated with that budget, routed around (or a 400
/// when pinned) with what thinking refuses; the thinking never reaches the client's content (it has its own members:
/// <see cref="AnthropicThinkingRoundTripTests"/>).
/// </summary>
public sealed class AnthropicThinkingTests
{
    private const string Thinks = "--ModelRouter:Models:0:Thinking=true";

    [Theory]
    [InlineData("minimal", 1024)]
    [InlineData("low", 1024)]
    [InlineData("medium", 4096)]
    [InlineData("high", 16384)]
    [InlineData("xhigh", 32768)]
    public async Task Each_effort_reaches_the_upstream_as_its_default_budget_on_top_of_max_tokens(string effort, int budget)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", $$"""{"reasoning_effort":"{{effort}}","max_tokens":100}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal("enabled", sent.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal(budget, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(100 + budget, sent.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Configured_budgets_replace_the_defaults_they_name_and_the_default_max_tokens_gets_the_budget_too()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks, "--ModelRouter:Models:0:ThinkingBudgets:high=2048"));

        using var high = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"reasoning_effort":"high"}"""));
        using var medium = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"reasoning_effort":"medium","max_tokens":50}"""));

        Assert.Equal(HttpStatusCode.OK, high.StatusCode);
        Assert.Equal(HttpStatusCode.OK, medium.StatusCode);
        var bodies = upstream.Bodies.Select(static b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal(2048, bodies[0].GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(1024 + 2048, bodies[0].GetProperty("max_tokens").GetInt32()); // Routing:DefaultMaxOutputTokens + budget
        Assert.Equal(4096, bodies[1].GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(50 + 4096, bodies[1].GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task None_is_served_without_thinking()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"reasoning_effort":"none","max_tokens":100,"temperature":0.2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.False(sent.TryGetProperty("thinking", out _));
        Assert.Equal(100, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.2, sent.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public async Task The_estimate_and_so_the_reservation_count_the_budget_as_output()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));

        var plain = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("claude", """{"max_tokens":100}""")));
        var thinking = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("claude", """{"max_tokens":100,"reasoning_effort":"high"}""")));

        // 16,384 more output tokens at $15 per million.
        decimal Cost(JsonElement plan) => plan.GetProperty("candidates")[0].GetProperty("est_cost_usd").GetDecimal();
        Assert.Equal(16384 * 15m / 1_000_000m, Cost(thinking) - Cost(plain));
    }

    [Fact]
    public async Task A_temperature_other_than_1_is_routed_around_and_pinned_is_a_400_while_1_is_served_and_not_sent()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync([.. CapabilityRequests.ClaudeFirst(upstream), Thinks]);

        using var auto = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", """{"reasoning_effort":"low","temperature":0.5}"""));
        Assert.Equal(HttpStatusCode.OK, auto.StatusCode);
        Assert.Equal("gpt", Json.Header(auto, "x-crossroads-model"));
        Assert.Equal(0, upstream.Calls("claude-fake"));

        using var pinned = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"reasoning_effort":"low","top_p":0.5}"""));
        var error = (await Json.ReadAsync(pinned)).GetProperty("error");
        Assert.Equal(HttpStatusCode.BadRequest, pinned.StatusCode);
        Assert.Equal("unsupported_parameter", error.GetProperty("code").GetString());
        Assert.Equal("reasoning_effort", error.GetProperty("param").GetString());
        Assert.Contains("'reasoning_effort.with_sampling' cannot be served by 'claude'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, upstream.Calls("claude-fake"));

        // Without an effort (or with 1, thinking's own temperature), claude serves it.
        using var one = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", """{"reasoning_effort":"low","temperature":1,"top_p":0.95}"""));
        Assert.Equal("claude", Json.Header(one, "x-crossroads-model"));
        var sent = JsonDocument.Parse(upstream.Bodies.Last()).RootElement;
        Assert.False(sent.TryGetProperty("temperature", out _));
        Assert.Equal(0.95, sent.GetProperty("top_p").GetDouble());
        Assert.Equal(1024, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"reasoning_effort":"low","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"}""", "reasoning_effort.with_forced_tool")]
    [InlineData("""{"reasoning_effort":"low","response_format":{"type":"json_object"}}""", "reasoning_effort.with_forced_tool")]
    [InlineData("""{"reasoning_effort":"low","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"42"}]}""", "reasoning_effort.with_tool_history")]
    [InlineData("""{"reasoning_effort":"high","messages":[{"role":"user","content":"Answer in JSON."},{"role":"assistant","content":"{"}]}""", "reasoning_effort.with_prefill")]
    public async Task What_thinking_refuses_is_a_400_when_pinned_and_routed_to_openai_otherwise(string extra, string feature)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync([.. CapabilityRequests.ClaudeFirst(upstream), Thinks]);

        using var pinned = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", extra));
        var error = (await Json.ReadAsync(pinned)).GetProperty("error");
        Assert.Equal(HttpStatusCode.BadRequest, pinned.StatusCode);
        Assert.Contains($"'{feature}' cannot be served by 'claude'", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        using var auto = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", extra));
        Assert.Equal(HttpStatusCode.OK, auto.StatusCode);
        Assert.Equal("gpt", Json.Header(auto, "x-crossroads-model"));
        Assert.Equal(0, upstream.Calls("claude-fake"));
    }

    [Fact]
    public async Task The_official_sdk_sees_only_the_answer_streamed_and_whole()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").Text = "Thought it through.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));
#pragma warning disable OPENAI001 // the SDK marks reasoning effort experimental
        var options = new ChatCompletionOptions { ReasoningEffortLevel = ChatReasoningEffortLevel.Low };
#pragma warning restore OPENAI001

        ChatCompletion whole = (await server.Chat("claude").CompleteChatAsync([new UserChatMessage("think")], options)).Value;
        var streamed = await StreamedAnswer.ReadAsync(server.Chat("claude").CompleteChatStreamingAsync([new UserChatMessage("think")], options));

        Assert.Equal("Thought it through.", Assert.Single(whole.Content).Text);
        Assert.Equal("Thought it through.", streamed.Text);
        Assert.Equal(ChatFinishReason.Stop, streamed.Finish);
        Assert.All(upstream.Bodies, static b => Assert.Equal(1024, JsonDocument.Parse(b).RootElement.GetProperty("thinking").GetProperty("budget_tokens").GetInt32()));
    }

    [Theory]
    [InlineData("--ModelRouter:Models:0:Thinking=true --ModelRouter:Models:0:ThinkingBudgets:high=1000", "ModelRouter:Models:0:ThinkingBudgets:high")]
    [InlineData("--ModelRouter:Models:0:Thinking=true --ModelRouter:Models:0:ThinkingBudgets:extreme=2048", "ModelRouter:Models:0:ThinkingBudgets:extreme")]
    [InlineData("--ModelRouter:Models:0:ThinkingBudgets:high=2048", "ModelRouter:Models:0:ThinkingBudgets")]
    [InlineData("--ModelRouter:Models:1:Thinking=true", "ModelRouter:Models:1:Thinking")]
    [InlineData("--ModelRouter:Models:1:PromptCache=auto", "ModelRouter:Models:1:PromptCache")]
    [InlineData("--ModelRouter:Models:0:PromptCache=always", "ModelRouter:Models:0:PromptCache")]
    public async Task An_invalid_thinking_or_cache_setting_stops_the_start_naming_it(string settings, string key)
    {
        await using var upstream = await FakeUpstream.StartAsync();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, settings.Split(' '))));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}
