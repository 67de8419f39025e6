using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// <c>reasoning_effort</c>: validated before routing, sent to OpenAI-compatible upstreams as the client wrote it, not
/// served by Anthropic upstreams (routed around; pinned: a 400 naming the member) nor by models configured without it.
/// </summary>
public sealed class ReasoningEffortTests
{
    [Theory]
    [InlineData("none")]
    [InlineData("minimal")]
    [InlineData("low")]
    [InlineData("medium")]
    [InlineData("high")]
    [InlineData("xhigh")]
    public async Task Each_accepted_value_reaches_the_openai_upstream_unchanged(string effort)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", $$"""{"reasoning_effort":"{{effort}}"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal(effort, sent.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public async Task Without_it_or_with_null_the_upstream_gets_no_reasoning_effort()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(CapabilityRequests.ClaudeFirst(upstream));

        using var absent = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", "{}"));
        using var none = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", """{"reasoning_effort":null}"""));

        Assert.Equal(HttpStatusCode.OK, absent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal(2, upstream.Bodies.Count);
        Assert.All(upstream.Bodies, static b => Assert.False(JsonDocument.Parse(b).RootElement.TryGetProperty("reasoning_effort", out _)));

        // null asks for nothing: the Anthropic candidate stays first.
        var plan = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("auto", """{"reasoning_effort":null}""")));
        Assert.Equal("claude", plan.GetProperty("chosen").GetString());
    }

    [Fact]
    public async Task The_official_sdk_s_reasoning_effort_reaches_the_openai_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Text = "Thought about it.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
#pragma warning disable OPENAI001 // the SDK marks reasoning effort experimental
        var options = new ChatCompletionOptions { ReasoningEffortLevel = ChatReasoningEffortLevel.High };
#pragma warning restore OPENAI001

        ChatCompletion answer = (await server.Chat("gpt").CompleteChatAsync([new UserChatMessage("think")], options)).Value;

        Assert.Equal("Thought about it.", answer.Content[0].Text);
        Assert.Equal("high", JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement.GetProperty("reasoning_effort").GetString());
    }

    [Theory]
    [InlineData("""{"reasoning_effort":"extreme"}""")]
    [InlineData("""{"reasoning_effort":"High"}""")]
    [InlineData("""{"reasoning_effort":""}""")]
    [InlineData("""{"reasoning_effort":3}""")]
    [InlineData("""{"reasoning_effort":true}""")]
    [InlineData("""{"reasoning_effort":["high"]}""")]
    [InlineData("""{"reasoning_effort":{"effort":"high"}}""")]
    public async Task Another_value_is_a_400_naming_the_member_and_listing_the_values_with_no_upstream_call(string extra)
    {
        var error = await CapabilityRequests.AssertRefusedBeforeAnyCallAsync(extra, "reasoning_effort");
        Assert.Contains("none, minimal, low, medium, high or xhigh", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_routes_it_past_the_anthropic_candidate_and_the_decision_says_why()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Text = "Reasoned.";
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(CapabilityRequests.ClaudeFirst(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", """{"reasoning_effort":"low"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt", Json.Header(response, "x-crossroads-model"));
        Assert.Equal(1, upstream.Calls("gpt"));
        Assert.Equal(0, upstream.Calls("claude-fake"));
        Assert.Equal("low", JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement.GetProperty("reasoning_effort").GetString());
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
        var claude = decision.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "claude");
        var exclusion = Assert.Single(claude.GetProperty("exclusions").EnumerateArray());
        Assert.Equal("unsupported:reasoning_effort", exclusion.GetProperty("code").GetString());
        Assert.Contains("anthropic", exclusion.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Without it, claude is first again.
        var plan = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("auto", "{}")));
        Assert.Equal("claude", plan.GetProperty("chosen").GetString());
    }

    [Fact]
    public async Task A_pinned_anthropic_model_answers_400_naming_the_member_with_no_upstream_call()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"reasoning_effort":"high"}"""));
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = problem.GetProperty("error");
        Assert.Equal("unsupported_parameter", error.GetProperty("code").GetString());
        Assert.Equal("reasoning_effort", error.GetProperty("param").GetString());
        Assert.Contains("'reasoning_effort' cannot be served by 'claude'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }

    [Fact]
    public async Task A_pinned_demo_model_answers_400_naming_the_member()
    {
        await using var server = await ModelRouterServer.StartAsync();

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("crossroads-demo", """{"reasoning_effort":"minimal"}"""));
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_parameter", problem.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("reasoning_effort", problem.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_openai_model_configured_without_it_is_routed_around_for_it()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        upstream.Model("strong");
        // A local OpenAI-compatible server, say, serving a model that does not reason: the cheap model says so.
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Models:0:Unsupported:0=reasoning_effort"));

        using var answer = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", """{"reasoning_effort":"medium"}"""));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("strong", Json.Header(answer, "x-crossroads-model"));
        Assert.Equal(0, upstream.Calls("cheap"));
        Assert.Equal(1, upstream.Calls("strong"));
        var plan = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("auto", """{"reasoning_effort":"medium"}""")));
        var cheap = plan.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "cheap");
        Assert.Equal("unsupported:reasoning_effort", cheap.GetProperty("excluded_by")[0].GetProperty("code").GetString());

        // Without it, the cheap model is first again.
        using var plain = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", "{}"));
        Assert.Equal("cheap", Json.Header(plain, "x-crossroads-model"));
    }
}
