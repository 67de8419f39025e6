using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// <c>metadata</c>, <c>store</c>, <c>service_tier</c>, <c>prediction</c> and <c>web_search_options</c>: validated before
/// routing, sent to OpenAI-compatible upstreams byte for byte, routed around Anthropic and the demo model where they
/// ask for what those cannot do (pinned: a 400 naming the member), and the answer's <c>service_tier</c> relayed.
/// </summary>
public sealed class PassThroughMemberTests
{
    /// <summary>Raw JSON with odd spacing and escapes: what reaches the upstream must be these bytes, not a re-serialization.</summary>
    [Theory]
    [InlineData("metadata", """{"run" : "eval-7","user\u00e9":"caf\u00e9","empty":""}""")]
    [InlineData("metadata", "{}")]
    [InlineData("store", "true")]
    [InlineData("store", "false")]
    [InlineData("service_tier", "\"auto\"")]
    [InlineData("service_tier", "\"default\"")]
    [InlineData("service_tier", "\"flex\"")]
    [InlineData("service_tier", "\"scale\"")]
    [InlineData("service_tier", "\"priority\"")]
    [InlineData("prediction", """{"type":"content", "content":"x = 1\ny = 2"}""")]
    [InlineData("prediction", """{ "type": "content", "content": [{"type":"text","text":"a"},{"type":"text","text":"b"}] }""")]
    [InlineData("web_search_options", "{}")]
    [InlineData("web_search_options", """{"search_context_size":"low","user_location":{"type":"approximate","approximate":{"country":"GB","city":"London"}}}""")]
    public async Task Each_member_reaches_the_openai_upstream_byte_for_byte(string member, string json)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostRawAsync(server.Client, "/v1/chat/completions", RawBody("gpt", member, json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal(json, sent.GetProperty(member).GetRawText());
    }

    [Fact]
    public async Task Without_them_or_with_null_the_upstream_gets_none_of_them()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var absent = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", "{}"));
        using var nulls = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", """{"metadata":null,"store":null,"service_tier":null,"prediction":null,"web_search_options":null}"""));

        Assert.Equal(HttpStatusCode.OK, absent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nulls.StatusCode);
        foreach (var body in upstream.Bodies)
        {
            var root = JsonDocument.Parse(body).RootElement;
            Assert.All(Members, m => Assert.False(root.TryGetProperty(m, out _), m));
        }
    }

    [Theory]
    [InlineData("""{"metadata":"tag"}""", "metadata")]
    [InlineData("""{"metadata":["a"]}""", "metadata")]
    [InlineData("""{"metadata":{"k":1}}""", "metadata")]
    [InlineData("""{"metadata":{"k":null}}""", "metadata")]
    [InlineData("""{"metadata":{"k":{"v":"x"}}}""", "metadata")]
    [InlineData("""{"store":"yes"}""", "store")]
    [InlineData("""{"store":1}""", "store")]
    [InlineData("""{"service_tier":"standard"}""", "service_tier")]
    [InlineData("""{"service_tier":"Flex"}""", "service_tier")]
    [InlineData("""{"service_tier":""}""", "service_tier")]
    [InlineData("""{"service_tier":1}""", "service_tier")]
    [InlineData("""{"prediction":"x = 1"}""", "prediction")]
    [InlineData("""{"prediction":{"content":"x"}}""", "prediction.type")]
    [InlineData("""{"prediction":{"type":"text","content":"x"}}""", "prediction.type")]
    [InlineData("""{"prediction":{"type":"content"}}""", "prediction.content")]
    [InlineData("""{"prediction":{"type":"content","content":3}}""", "prediction.content")]
    [InlineData("""{"prediction":{"type":"content","content":[{"type":"image_url","image_url":{"url":"x"}}]}}""", "prediction.content[0]")]
    [InlineData("""{"prediction":{"type":"content","content":[{"type":"text","text":"a"},"b"]}}""", "prediction.content[1]")]
    [InlineData("""{"web_search_options":true}""", "web_search_options")]
    [InlineData("""{"web_search_options":{"search_context_size":"huge"}}""", "web_search_options.search_context_size")]
    [InlineData("""{"web_search_options":{"search_context_size":2}}""", "web_search_options.search_context_size")]
    [InlineData("""{"web_search_options":{"user_location":"London"}}""", "web_search_options.user_location")]
    public Task A_malformed_value_is_a_400_naming_the_member_with_no_upstream_call(string extra, string param) =>
        CapabilityRequests.AssertRefusedBeforeAnyCallAsync(extra, param);

    [Theory]
    [InlineData(17, 1, 1)]
    [InlineData(1, 65, 1)]
    [InlineData(1, 1, 513)]
    public async Task Metadata_beyond_openai_s_limits_is_a_400_naming_it(int pairs, int keyLength, int valueLength)
    {
        await using var server = await ModelRouterServer.StartAsync();
        var metadata = Enumerable.Range(0, pairs).ToDictionary(i => i.ToString("D", System.Globalization.CultureInfo.InvariantCulture).PadLeft(keyLength, 'k'), _ => new string('v', valueLength));
        var within = Enumerable.Range(0, 16).ToDictionary(i => i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture).PadLeft(64, 'k'), _ => new string('v', 512));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("crossroads-demo", JsonSerializer.Serialize(new { metadata })));
        using var atLimits = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("crossroads-demo", JsonSerializer.Serialize(new { metadata = within })));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("metadata", (await Json.ReadAsync(response)).GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(HttpStatusCode.OK, atLimits.StatusCode);
    }

    [Theory]
    [InlineData("""{"store":true}""", "store")]
    [InlineData("""{"service_tier":"flex"}""", "service_tier")]
    [InlineData("""{"service_tier":"scale"}""", "service_tier")]
    [InlineData("""{"service_tier":"priority"}""", "service_tier")]
    [InlineData("""{"prediction":{"type":"content","content":"x = 1"}}""", "prediction")]
    [InlineData("""{"web_search_options":{}}""", "web_search_options")]
    public async Task Auto_routes_past_the_anthropic_candidate_and_the_decision_says_why(string extra, string feature)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Text = "Served.";
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(CapabilityRequests.ClaudeFirst(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", extra));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt", Json.Header(response, "x-crossroads-model"));
        Assert.Equal(0, upstream.Calls("claude-fake"));
        Assert.True(JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement.TryGetProperty(feature, out _));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
        var claude = decision.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "claude");
        var exclusion = Assert.Single(claude.GetProperty("exclusions").EnumerateArray());
        Assert.Equal("unsupported:" + feature, exclusion.GetProperty("code").GetString());
    }

    /// <summary>What asks for nothing Anthropic lacks keeps it first; the tiers it has are mapped, the client's metadata is not sent.</summary>
    [Theory]
    [InlineData("""{"metadata":{"run":"eval-7"}}""", null)]
    [InlineData("""{"store":false}""", null)]
    [InlineData("""{"service_tier":"auto"}""", "auto")]
    [InlineData("""{"service_tier":"default"}""", "standard_only")]
    public async Task Members_anthropic_can_take_keep_it_first_mapped_or_dropped(string extra, string? anthropicTier)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        upstream.Model("claude-fake").Text = "From Claude.";
        await using var server = await ModelRouterServer.StartAsync(CapabilityRequests.ClaudeFirst(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", extra));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("claude", Json.Header(response, "x-crossroads-model"));
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.False(sent.TryGetProperty("metadata", out _));
        Assert.False(sent.TryGetProperty("store", out _));
        Assert.Equal(anthropicTier, sent.TryGetProperty("service_tier", out var tier) ? tier.GetString() : null);
    }

    [Theory]
    [InlineData("""{"store":true}""", "store")]
    [InlineData("""{"service_tier":"priority"}""", "service_tier")]
    [InlineData("""{"prediction":{"type":"content","content":"x"}}""", "prediction")]
    [InlineData("""{"web_search_options":{"search_context_size":"high"}}""", "web_search_options")]
    public async Task A_pinned_anthropic_model_answers_400_naming_the_member_with_no_upstream_call(string extra, string member)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", extra));
        var error = (await Json.ReadAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_parameter", error.GetProperty("code").GetString());
        Assert.Equal(member, error.GetProperty("param").GetString());
        Assert.Contains($"'{member}' cannot be served by 'claude'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }

    [Theory]
    [InlineData("""{"store":true}""", "store")]
    [InlineData("""{"service_tier":"flex"}""", "service_tier")]
    [InlineData("""{"prediction":{"type":"content","content":"x"}}""", "prediction")]
    [InlineData("""{"web_search_options":{}}""", "web_search_options")]
    public async Task A_pinned_demo_model_answers_400_naming_the_member(string extra, string member)
    {
        await using var server = await ModelRouterServer.StartAsync();

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("crossroads-demo", extra));
        var error = (await Json.ReadAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_parameter", error.GetProperty("code").GetString());
        Assert.Equal(member, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task The_demo_model_serves_metadata_store_false_and_the_default_tiers()
    {
        await using var server = await ModelRouterServer.StartAsync();

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("crossroads-demo", """{"metadata":{"run":"1"},"store":false,"service_tier":"auto"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("store", """{"store":true}""")]
    [InlineData("service_tier", """{"service_tier":"flex"}""")]
    [InlineData("prediction", """{"prediction":{"type":"content","content":"x"}}""")]
    [InlineData("web_search_options", """{"web_search_options":{}}""")]
    public async Task An_openai_model_configured_without_it_is_routed_around_for_it(string feature, string extra)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        upstream.Model("strong");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Models:0:Unsupported:0=" + feature));

        using var answer = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", extra));
        using var plain = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", "{}"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("strong", Json.Header(answer, "x-crossroads-model"));
        Assert.Equal("cheap", Json.Header(plain, "x-crossroads-model"));
        var plan = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("auto", extra)));
        var cheap = plan.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "cheap");
        Assert.Equal("unsupported:" + feature, cheap.GetProperty("excluded_by")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_answer_s_service_tier_is_the_upstream_s_and_default_when_it_reports_none()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var gpt = upstream.Model("gpt");
        gpt.ServiceTier = "flex";
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var relayed = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", """{"service_tier":"flex"}""")));
        var anthropic = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", "{}")));
        gpt.ServiceTier = null;
        var unreported = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", "{}")));

        Assert.Equal("flex", relayed.GetProperty("service_tier").GetString());
        Assert.Equal("default", anthropic.GetProperty("service_tier").GetString());
        Assert.Equal("default", unreported.GetProperty("service_tier").GetString());
    }

    [Fact]
    public async Task Every_streamed_chunk_carries_the_upstream_s_service_tier()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").ServiceTier = "priority";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", """{"stream":true,"stream_options":{"include_usage":true},"service_tier":"priority"}"""));
        var chunks = Json.SseData(await response.Content.ReadAsStringAsync()).Where(static d => d != "[DONE]").Select(static d => JsonDocument.Parse(d).RootElement).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(chunks.Count > 3);
        Assert.All(chunks, static c => Assert.Equal("priority", c.GetProperty("service_tier").GetString()));
    }

#pragma warning disable OPENAI001 // the SDK marks service tiers experimental
    [Fact]
    public async Task The_official_sdk_s_stored_output_metadata_and_tier_reach_the_openai_upstream_and_its_tier_comes_back()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var gpt = upstream.Model("gpt");
        gpt.Text = "Stored.";
        gpt.ServiceTier = "flex";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        var options = new ChatCompletionOptions { StoredOutputEnabled = true, ServiceTier = ChatServiceTier.Flex };
        options.Metadata["run"] = "eval-7";

        ChatCompletion answer = (await server.Chat("gpt").CompleteChatAsync([new UserChatMessage("keep this")], options)).Value;
        var streamed = await StreamedAnswer.ReadAsync(server.Chat("gpt").CompleteChatStreamingAsync([new UserChatMessage("keep this")], options));

        Assert.Equal("Stored.", answer.Content[0].Text);
        Assert.Equal(ChatServiceTier.Flex, answer.ServiceTier);
        Assert.Equal("Stored.", streamed.Text);
        Assert.Equal(2, upstream.Bodies.Count);
        foreach (var body in upstream.Bodies)
        {
            var sent = JsonDocument.Parse(body).RootElement;
            Assert.True(sent.GetProperty("store").GetBoolean());
            Assert.Equal("eval-7", sent.GetProperty("metadata").GetProperty("run").GetString());
            Assert.Equal("flex", sent.GetProperty("service_tier").GetString());
        }
    }

#pragma warning restore OPENAI001

    private static readonly string[] Members = ["metadata", "store", "service_tier", "prediction", "web_search_options"];

    private static string RawBody(string model, string member, string json) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"{{member}}":{{json}}}""";
}
