using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// Request members only some upstream kinds can serve: <c>auto</c> routes around the candidates that cannot (and never
/// calls them), a request no candidate can serve is a 400 naming the member before any upstream call, the sampling
/// members reach an OpenAI upstream as the client wrote them, and log probabilities come back in both shapes.
/// </summary>
public sealed class CapabilityRoutingTests
{
    [Fact]
    public async Task Auto_is_planned_with_claude_first_when_the_request_needs_nothing_special()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(CapabilityRequests.ClaudeFirst(upstream));

        var plan = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("auto", """{"seed":1}""")));

        Assert.Equal("claude", plan.GetProperty("chosen").GetString());
    }

    [Fact]
    public async Task Auto_routes_logprobs_past_the_anthropic_candidate_and_the_sdk_reads_them_streamed_and_not()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Text = "Paris is the capital.";
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(CapabilityRequests.ClaudeFirst(upstream));
        var options = new ChatCompletionOptions { IncludeLogProbabilities = true, TopLogProbabilityCount = 2 };
        var chat = server.Chat("auto");

        ChatCompletion whole = (await chat.CompleteChatAsync([new UserChatMessage("capital of France?")], options)).Value;
        var streamed = new List<ChatTokenLogProbabilityDetails>();
        var text = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("capital of France?")], options))
        {
            streamed.AddRange(update.ContentTokenLogProbabilities);
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        string[] words = ["Paris", " is", " the", " capital."];
        Assert.Equal("gpt", whole.Model);
        Assert.Equal(words, whole.ContentTokenLogProbabilities.Select(static t => t.Token));
        Assert.Equal(words, streamed.Select(static t => t.Token));
        Assert.Equal("Paris is the capital.", text.ToString());
        foreach (var details in whole.ContentTokenLogProbabilities.Concat(streamed))
        {
            Assert.Equal(FakeLogprobs.LogProbability(details.Token), details.LogProbability, 5);
            Assert.Equal(Encoding.UTF8.GetBytes(details.Token), details.Utf8Bytes!.Value.ToArray());
            Assert.Equal([details.Token, "alt1"], details.TopLogProbabilities.Select(static t => t.Token));
        }

        Assert.Equal(2, upstream.Calls("gpt"));
        Assert.Equal(0, upstream.Calls("claude-fake"));
    }

    [Fact]
    public async Task The_answer_carries_the_upstreams_logprobs_objects_in_openais_shapes()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Text = "One two";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var whole = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", """{"logprobs":true,"top_logprobs":1}"""));
        var answer = await Json.ReadAsync(whole);
        using var stream = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", """{"logprobs":true,"top_logprobs":1,"stream":true}"""));
        var events = (await stream.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(static e => e != "data: [DONE]").Select(static e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();

        // Non-streamed: the chunks' entries joined into one {content, refusal} object, each entry as the upstream wrote it.
        var expected = "{\"content\":[" + FakeLogprobs.Entry("One", 1) + "," + FakeLogprobs.Entry(" two", 1) + "],\"refusal\":null}";
        Assert.Equal(expected, answer.GetProperty("choices")[0].GetProperty("logprobs").GetRawText());
        // Streamed: each content chunk has its upstream chunk's object unchanged; the role and finish chunks have null.
        var content = events.Where(static e => e.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c) && c.GetString() is { Length: > 0 }).ToList();
        Assert.Equal([FakeLogprobs.Json("One", 1), FakeLogprobs.Json(" two", 1)], content.Select(static e => e.GetProperty("choices")[0].GetProperty("logprobs").GetRawText()));
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("choices")[0].GetProperty("logprobs").ValueKind);
        Assert.Equal(JsonValueKind.Null, events[^1].GetProperty("choices")[0].GetProperty("logprobs").ValueKind);

        // Not asked for: null, as before.
        var plain = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", "{}")));
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("choices")[0].GetProperty("logprobs").ValueKind);
    }

    [Fact]
    public async Task Auto_routes_a_json_schema_request_with_tools_past_the_anthropic_candidate_and_says_why()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Text = """{"ok":true}""";
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(CapabilityRequests.ClaudeFirst(upstream));
        var format = ChatResponseFormat.CreateJsonSchemaFormat("answer", BinaryData.FromString("""{"type":"object","properties":{"ok":{"type":"boolean"}}}"""), jsonSchemaIsStrict: true);

        // Anthropic emulates JSON formats with a forced tool, which cannot sit beside the client's own tools.
        var options = new ChatCompletionOptions { ResponseFormat = format, Tools = { ChatTool.CreateFunctionTool("lookup", "Looks a thing up", BinaryData.FromString("""{"type":"object","properties":{}}""")) } };
        var result = await server.Chat("auto").CompleteChatAsync([new UserChatMessage("json please")], options);

        Assert.Equal("gpt", result.Value.Model);
        Assert.Equal("""{"ok":true}""", result.Value.Content[0].Text);
        Assert.Equal(1, upstream.Calls("gpt"));
        Assert.Equal(0, upstream.Calls("claude-fake"));
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-crossroads-decision-id", out var id));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + id);
        var claude = decision.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "claude");
        var exclusion = Assert.Single(claude.GetProperty("exclusions").EnumerateArray());
        Assert.Equal("unsupported:response_format.with_tools", exclusion.GetProperty("code").GetString());
        Assert.Contains("anthropic", exclusion.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var plan = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("auto", """{"response_format":{"type":"json_object"},"tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]}""")));
        Assert.Equal("gpt", plan.GetProperty("chosen").GetString());
        var planned = plan.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "claude");
        Assert.False(planned.GetProperty("eligible").GetBoolean());
        Assert.Equal("unsupported:response_format.with_tools", planned.GetProperty("excluded_by")[0].GetProperty("code").GetString());

        // A JSON format alone: Anthropic serves it (a forced tool), so it stays first.
        var alone = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("auto", """{"response_format":{"type":"json_object"}}""")));
        Assert.Equal("claude", alone.GetProperty("chosen").GetString());
    }

    [Fact]
    public async Task A_model_configured_without_a_feature_its_upstream_kind_has_is_routed_around_for_it()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        upstream.Model("strong");
        // A local OpenAI-compatible server, say, that has no log probabilities: the cheap model says so.
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Models:0:Unsupported:0=logprobs"));

        using var answer = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", """{"logprobs":true}"""));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("strong", Json.Header(answer, "x-crossroads-model"));
        Assert.Equal(0, upstream.Calls("cheap"));

        var plan = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/plan", CapabilityRequests.Body("auto", """{"logprobs":true}""")));
        var cheap = plan.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "cheap");
        Assert.Equal("unsupported:logprobs", cheap.GetProperty("excluded_by")[0].GetProperty("code").GetString());

        // Without logprobs, the cheap model is first again.
        using var plain = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", "{}"));
        Assert.Equal("cheap", Json.Header(plain, "x-crossroads-model"));
    }

    [Fact]
    public async Task An_unknown_feature_name_in_a_model_s_unsupported_list_stops_the_start_naming_it()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(new Uri("http://127.0.0.1:9/"), "--ModelRouter:Models:1:Unsupported:0=logprob")));
        Assert.Contains("ModelRouter:Models:1:Unsupported:0", e.Message, StringComparison.Ordinal);
        Assert.Contains("logprobs", e.Message, StringComparison.Ordinal); // the valid names are listed
    }

    [Theory]
    [InlineData("claude", """{"logprobs":true}""", "logprobs")]
    [InlineData("claude", """{"frequency_penalty":0.5}""", "frequency_penalty")]
    [InlineData("claude", """{"presence_penalty":-1}""", "presence_penalty")]
    [InlineData("claude", """{"logit_bias":{"50256":-100}}""", "logit_bias")]
    [InlineData("claude", """{"response_format":{"type":"json_object"},"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}""", "response_format")]
    [InlineData("demo-only", """{"logprobs":true,"top_logprobs":2}""", "logprobs")]
    public async Task A_request_no_candidate_can_serve_is_a_400_naming_the_member_and_the_candidates_with_no_upstream_call(string model, string extra, string param)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        upstream.Model("gpt");
        var config = ModelRouterServer.AnthropicAndOpenAi(
            upstream,
            "--ModelRouter:Upstreams:2:Id=local",
            "--ModelRouter:Upstreams:2:Kind=demo",
            "--ModelRouter:Models:2:Id=demo-model",
            "--ModelRouter:Models:2:Upstream=local",
            "--ModelRouter:Aliases:0:Name=demo-only",
            "--ModelRouter:Aliases:0:Candidates:0=demo-model",
            "--ModelRouter:Aliases:0:Candidates:1=claude");
        await using var server = await ModelRouterServer.StartAsync(config);

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body(model, extra));
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = problem.GetProperty("error");
        Assert.Equal("unsupported_parameter", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains(param, message, StringComparison.Ordinal);
        Assert.Contains("'claude'", message, StringComparison.Ordinal);
        Assert.Equal(model == "demo-only", message.Contains("'demo-model'", StringComparison.Ordinal));
        Assert.Empty(upstream.Bodies);
        Assert.Equal(0, upstream.Calls("claude-fake"));
    }

    [Fact]
    public async Task The_sdk_gets_the_400_for_a_pinned_model_that_cannot_serve_logprobs()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var e = await Assert.ThrowsAsync<ClientResultException>(() => server.Chat("claude").CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { IncludeLogProbabilities = true }));

        Assert.Equal(400, e.Status);
        Assert.Contains("'logprobs' cannot be served by 'claude'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, upstream.Calls("claude-fake"));
    }

    [Fact]
    public async Task Sampling_members_reach_the_openai_upstream_byte_for_byte()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        const string members = """{"frequency_penalty":0.5,"presence_penalty":-1.5,"logit_bias":{"50256":-100,"1234":5.5},"seed":42,"logprobs":true,"top_logprobs":2,"user":"end-user-7","stop":["END","STOP"]}""";

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", members));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        foreach (var member in JsonDocument.Parse(members).RootElement.EnumerateObject())
        {
            Assert.True(sent.TryGetProperty(member.Name, out var value), member.Name);
            Assert.Equal(member.Value.GetRawText(), value.GetRawText());
        }
    }

    [Fact]
    public async Task Members_that_ask_for_nothing_keep_the_anthropic_candidate()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(CapabilityRequests.ClaudeFirst(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("auto", """{"frequency_penalty":0,"presence_penalty":0,"logprobs":false,"logit_bias":{},"seed":3,"response_format":{"type":"text"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("claude", Json.Header(response, "x-crossroads-model"));
        Assert.Equal(1, upstream.Calls("claude-fake"));
    }

    [Theory]
    [InlineData("""{"frequency_penalty":2.5}""", "frequency_penalty")]
    [InlineData("""{"frequency_penalty":"high"}""", "frequency_penalty")]
    [InlineData("""{"presence_penalty":-2.01}""", "presence_penalty")]
    [InlineData("""{"logprobs":true,"top_logprobs":21}""", "top_logprobs")]
    [InlineData("""{"logprobs":true,"top_logprobs":-1}""", "top_logprobs")]
    [InlineData("""{"top_logprobs":2}""", "top_logprobs")]
    [InlineData("""{"logprobs":false,"top_logprobs":2}""", "top_logprobs")]
    [InlineData("""{"logprobs":"yes"}""", "logprobs")]
    [InlineData("""{"logit_bias":{"abc":1}}""", "logit_bias")]
    [InlineData("""{"logit_bias":{"-5":1}}""", "logit_bias")]
    [InlineData("""{"logit_bias":{"50256":101}}""", "logit_bias")]
    [InlineData("""{"logit_bias":{"50256":"-100"}}""", "logit_bias")]
    [InlineData("""{"logit_bias":[1]}""", "logit_bias")]
    [InlineData("""{"seed":1.5}""", "seed")]
    public async Task Out_of_range_or_malformed_values_are_400s_naming_the_member(string extra, string param)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("gpt", extra));
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, problem.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains(param, problem.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(upstream.Bodies);
    }
}
