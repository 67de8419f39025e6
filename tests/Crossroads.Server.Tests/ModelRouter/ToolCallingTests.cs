using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// Tool calling through the router with the official OpenAI SDK, against the fake upstream speaking OpenAI's protocol
/// (tools passed unchanged) and Anthropic's (tools mapped): the call, the client's tool result, the final text; the
/// same calls streamed in fragments and reassembled by the SDK; what each upstream received.
/// </summary>
public sealed class ToolCallingTests
{
    private const string Schema = """{"type":"object","properties":{"city":{"type":"string","description":"The city"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}""";

    private static readonly FakeToolCall Weather = new("call_w1", "get_weather", """{"city":"Paris","unit":"c"}""");

    private static readonly FakeToolCall Time = new("call_t2", "get_time", """{"city":"Oslo"}""");

    private static ChatCompletionOptions Options(ChatToolChoice? choice = null, bool? parallel = null) => new()
    {
        Tools =
        {
            ChatTool.CreateFunctionTool("get_weather", "Current weather in a city", BinaryData.FromString(Schema)),
            ChatTool.CreateFunctionTool("get_time", "Local time in a city"),
        },
        ToolChoice = choice,
        AllowParallelToolCalls = parallel,
    };

    [Fact]
    public async Task Openai_upstream_round_trip_passes_tools_unchanged_and_forwards_the_tool_call_and_its_result()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.ToolCalls = [Weather];
        cheap.Text = "It is 18 degrees in Paris.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));
        var chat = server.Chat("cheap");
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion first = (await chat.CompleteChatAsync(messages, Options(ChatToolChoice.CreateAutoChoice(), parallel: false))).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("call_w1", call.Id);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal(Weather.Arguments, call.FunctionArguments.ToString());
        Assert.Empty(first.Content);

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage("call_w1", """{"temperature":18}"""));
        ChatCompletion second = (await chat.CompleteChatAsync(messages, Options())).Value;

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal("It is 18 degrees in Paris.", second.Content[0].Text);
        var bodies = upstream.Bodies.Select(static b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal(2, bodies.Count);
        // The tools as the SDK wrote them, byte for byte per tool; tool_choice and parallel_tool_calls too.
        using var sdkBody = JsonDocument.Parse(await SdkBodyAsync(messages[..1], Options(ChatToolChoice.CreateAutoChoice(), parallel: false)));
        Assert.Equal(sdkBody.RootElement.GetProperty("tools").GetRawText(), bodies[0].GetProperty("tools").GetRawText());
        Assert.Equal(Schema, bodies[0].GetProperty("tools")[0].GetProperty("function").GetProperty("parameters").GetRawText());
        Assert.Equal("auto", bodies[0].GetProperty("tool_choice").GetString());
        Assert.False(bodies[0].GetProperty("parallel_tool_calls").GetBoolean());
        var sent = bodies[1].GetProperty("messages");
        Assert.Equal(3, sent.GetArrayLength());
        var assistant = sent[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, assistant.GetProperty("content").ValueKind);
        var sentCall = Assert.Single(assistant.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_w1", sentCall.GetProperty("id").GetString());
        Assert.Equal("function", sentCall.GetProperty("type").GetString());
        Assert.Equal("get_weather", sentCall.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(Weather.Arguments, sentCall.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool", sent[2].GetProperty("role").GetString());
        Assert.Equal("call_w1", sent[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("""{"temperature":18}""", sent[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Openai_upstream_streamed_tool_calls_are_reassembled_by_the_sdk_into_the_same_calls()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.ToolCalls = [Weather, Time];
        cheap.ArgumentFragment = 3;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        var (calls, finish, updates) = await StreamedCallsAsync(server.Chat("cheap"), Options(ChatToolChoice.CreateRequiredChoice()));

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal([Weather, Time], calls);
        Assert.True(updates > 2 * 3, $"the arguments came in fragments ({updates} updates)");
        Assert.Equal("required", JsonDocument.Parse(upstream.Bodies.Single()).RootElement.GetProperty("tool_choice").GetString());
    }

    [Fact]
    public async Task Raw_tool_call_chunks_carry_index_id_type_name_then_argument_fragments_and_finish_tool_calls()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.ToolCalls = [Weather];
        cheap.ArgumentFragment = 10;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "weather?", stream: true));
        var events = Json.SseData(await response.Content.ReadAsStringAsync());

        Assert.Equal("[DONE]", events[^1]);
        var deltas = events[..^1].Select(static e => JsonDocument.Parse(e).RootElement).Where(static c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(static c => c.GetProperty("choices")[0]).ToList();
        var pieces = deltas.Where(static d => d.GetProperty("delta").TryGetProperty("tool_calls", out _)).Select(static d => d.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.Equal("""{"index":0,"id":"call_w1","type":"function","function":{"name":"get_weather","arguments":""}}""", pieces[0].GetRawText());
        Assert.Equal("""{"index":0,"function":{"arguments":"{\"city\":\"P"}}""", pieces[1].GetRawText());
        Assert.Equal(Weather.Arguments, string.Concat(pieces.Select(static p => p.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Anthropic_upstream_round_trip_maps_tools_choice_tool_use_and_consecutive_tool_results()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.ToolCalls = [Weather, Time];
        claude.Text = "Paris 18 degrees, Oslo 14:00.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        var chat = server.Chat("claude");
        List<ChatMessage> messages = [new SystemChatMessage("Use tools."), new UserChatMessage("Weather in Paris and time in Oslo?")];

        ChatCompletion first = (await chat.CompleteChatAsync(messages, Options(ChatToolChoice.CreateRequiredChoice(), parallel: false))).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal([Weather, Time], first.ToolCalls.Select(static c => new FakeToolCall(c.Id, c.FunctionName, c.FunctionArguments.ToString())));
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage("call_w1", "18 degrees"));
        messages.Add(new ToolChatMessage("call_t2", "14:00"));
        ChatCompletion second = (await chat.CompleteChatAsync(messages, Options(ChatToolChoice.CreateFunctionChoice("get_time")))).Value;

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal("Paris 18 degrees, Oslo 14:00.", second.Content[0].Text);
        var bodies = upstream.Bodies.Select(static b => JsonDocument.Parse(b).RootElement).ToList();
        var tools = bodies[0].GetProperty("tools");
        Assert.Equal(2, tools.GetArrayLength());
        Assert.Equal("get_weather", tools[0].GetProperty("name").GetString());
        Assert.Equal("Current weather in a city", tools[0].GetProperty("description").GetString());
        Assert.Equal(Schema, tools[0].GetProperty("input_schema").GetRawText());
        Assert.False(tools[0].TryGetProperty("function", out _));
        Assert.Equal("""{"type":"object","properties":{}}""", tools[1].GetProperty("input_schema").GetRawText());
        Assert.Equal("""{"type":"any","disable_parallel_tool_use":true}""", bodies[0].GetProperty("tool_choice").GetRawText());
        Assert.Equal("""{"type":"tool","name":"get_time"}""", bodies[1].GetProperty("tool_choice").GetRawText());

        var turns = bodies[1].GetProperty("messages");
        Assert.Equal(3, turns.GetArrayLength());
        Assert.Equal("Use tools.", bodies[1].GetProperty("system").GetString());
        Assert.Equal("assistant", turns[1].GetProperty("role").GetString());
        Assert.Equal(
            """[{"type":"tool_use","id":"call_w1","name":"get_weather","input":{"city":"Paris","unit":"c"}},{"type":"tool_use","id":"call_t2","name":"get_time","input":{"city":"Oslo"}}]""",
            turns[1].GetProperty("content").GetRawText());
        Assert.Equal("user", turns[2].GetProperty("role").GetString());
        Assert.Equal(
            """[{"type":"tool_result","tool_use_id":"call_w1","content":"18 degrees"},{"type":"tool_result","tool_use_id":"call_t2","content":"14:00"}]""",
            turns[2].GetProperty("content").GetRawText());
    }

    [Fact]
    public async Task Anthropic_upstream_streamed_tool_use_becomes_tool_call_deltas_the_sdk_reassembles()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.ToolCalls = [Weather, Time];
        claude.ArgumentFragment = 5;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var (calls, finish, updates) = await StreamedCallsAsync(server.Chat("claude"), Options());

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal([Weather, Time], calls);
        Assert.True(updates > 2 * 2, $"the arguments came in fragments ({updates} updates)");
        Assert.False(JsonDocument.Parse(upstream.Bodies.Single()).RootElement.TryGetProperty("tool_choice", out _));
    }

    [Fact]
    public async Task A_tool_call_is_content_streamed_it_is_not_retried_and_buffered_it_is_replaced_by_the_fallback()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.ToolCalls = [Weather];
        cheap.ResetAfterToolCalls = true;
        cheap.InterTokenDelay = TimeSpan.FromMilliseconds(100);
        upstream.Model("strong").Text = "strong answers";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var streamed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "weather?", stream: true, models: ["strong"]));
        var events = Json.SseData(await streamed.Content.ReadAsStringAsync());
        Assert.Equal(0, upstream.Calls("strong"));
        using var buffered = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "weather?", models: ["strong"]));
        var completion = await Json.ReadAsync(buffered);

        Assert.Contains(events, static e => e.Contains("\"tool_calls\"", StringComparison.Ordinal));
        Assert.Contains("upstream_failed_after_content", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", events);
        Assert.Equal(HttpStatusCode.OK, buffered.StatusCode);
        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("strong answers", message.GetProperty("content").GetString());
        Assert.False(message.TryGetProperty("tool_calls", out _));
        Assert.Equal("strong", completion.GetProperty("model").GetString());
        Assert.Equal(1, upstream.Calls("strong"));
    }

    [Fact]
    public async Task The_demo_model_calls_the_demanded_function_deterministically_and_ignores_tools_otherwise()
    {
        await using var server = await ModelRouterServer.StartAsync();
        var chat = server.Chat("demo");
        var options = Options(ChatToolChoice.CreateFunctionChoice("get_time"));

        ChatCompletion one = (await chat.CompleteChatAsync([new UserChatMessage("time?")], options)).Value;
        ChatCompletion two = (await chat.CompleteChatAsync([new UserChatMessage("time?")], Options(ChatToolChoice.CreateFunctionChoice("get_time")))).Value;
        ChatCompletion free = (await chat.CompleteChatAsync([new UserChatMessage("time?")], Options(ChatToolChoice.CreateAutoChoice()))).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, one.FinishReason);
        var call = Assert.Single(one.ToolCalls);
        Assert.Equal("get_time", call.FunctionName);
        Assert.Equal("{}", call.FunctionArguments.ToString());
        Assert.StartsWith("call_demo_", call.Id, StringComparison.Ordinal);
        Assert.Equal(call.Id, Assert.Single(two.ToolCalls).Id);
        Assert.Equal(ChatFinishReason.Stop, free.FinishReason);
        Assert.Empty(free.ToolCalls);
        Assert.Contains("demo model", free.Content[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_definitions_count_in_the_input_estimate_of_the_plan()
    {
        await using var server = await ModelRouterServer.StartAsync();
        var plain = new Dictionary<string, object?> { ["model"] = "demo", ["messages"] = new[] { new { role = "user", content = "hi" } } };
        var withTools = new Dictionary<string, object?>(plain)
        {
            ["tools"] = new[] { new { type = "function", function = new { name = "get_weather", description = "Current weather in a city", parameters = JsonDocument.Parse(Schema).RootElement } } },
        };

        using var a = await Json.PostAsync(server.Client, "/v1/chat/completions", plain);
        using var b = await Json.PostAsync(server.Client, "/v1/chat/completions", withTools);

        var usageA = (await Json.ReadAsync(a)).GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        var usageB = (await Json.ReadAsync(b)).GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(b, "x-crossroads-decision-id"));
        Assert.True(usageB > usageA + 20, $"{usageB} prompt tokens with a tool against {usageA} without");
        Assert.Equal(usageB, decision.GetProperty("input_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"n":2}""", "n")]
    [InlineData("""{"logprobs":true}""", "logprobs")]
    [InlineData("""{"top_logprobs":3}""", "top_logprobs")]
    [InlineData("""{"functions":[{"name":"f"}]}""", "functions")]
    [InlineData("""{"tools":[{"type":"custom","custom":{"name":"f"}}]}""", "tools[0].type")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}}}""", "tool_choice")]
    [InlineData("""{"tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"response_format":{"type":"yaml"}}""", "response_format")]
    [InlineData("""{"modalities":["text","audio"]}""", "modalities")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}""", "messages[0].content")]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}}""", "response_format.json_schema.name")]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"name":"a b"}}}""", "response_format.json_schema.name")]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"name":"a","schema":[1]}}}""", "response_format.json_schema.schema")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text"}]}]}""", "messages[0].content[1].text")]
    [InlineData("""{"messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{}}]}]}""", "messages[0].tool_calls[0].function.name")]
    public async Task Unsupported_or_malformed_members_are_400_problems_naming_the_member(string extra, string param)
    {
        await using var server = await ModelRouterServer.StartAsync();
        var body = JsonDocument.Parse("""{"model":"demo","messages":[{"role":"user","content":"hi"}]}""").RootElement.EnumerateObject().ToDictionary(static p => p.Name, static p => (object?)p.Value);
        foreach (var member in JsonDocument.Parse(extra).RootElement.EnumerateObject())
        {
            body[member.Name] = member.Value;
        }

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", body);
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal(param, problem.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains(param.Split('[', '.')[0], problem.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sdk_asking_for_logprobs_gets_a_400_naming_them()
    {
        await using var server = await ModelRouterServer.StartAsync();

        var e = await Assert.ThrowsAsync<ClientResultException>(() => server.Chat("demo").CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { IncludeLogProbabilities = true }));

        Assert.Equal(400, e.Status);
        Assert.Contains("logprobs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_format_and_stop_reach_an_openai_upstream_and_json_with_tools_is_refused_for_anthropic()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Text = """{"ok":true}""";
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        var format = ChatResponseFormat.CreateJsonSchemaFormat("answer", BinaryData.FromString("""{"type":"object","properties":{"ok":{"type":"boolean"}}}"""), jsonSchemaIsStrict: true);
        var options = new ChatCompletionOptions { ResponseFormat = format, StopSequences = { "END" } };
        var withTools = Options();
        withTools.ResponseFormat = format;

        ChatCompletion ok = (await server.Chat("gpt").CompleteChatAsync([new UserChatMessage("json please")], options)).Value;
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => server.Chat("claude").CompleteChatAsync([new UserChatMessage("json please")], withTools));

        Assert.Equal("""{"ok":true}""", ok.Content[0].Text);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        using var sdkBody = JsonDocument.Parse(await SdkBodyAsync([new UserChatMessage("json please")], options));
        Assert.Equal(sdkBody.RootElement.GetProperty("response_format").GetRawText(), sent.GetProperty("response_format").GetRawText());
        Assert.Equal("END", sent.GetProperty("stop")[0].GetString());
        Assert.Equal(400, refused.Status);
        Assert.Contains("response_format", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, upstream.Calls("claude-fake"));
    }

    /// <summary>The calls of a streamed answer as an SDK user joins them: by index, id and name from the first piece, arguments appended.</summary>
    private static async Task<(List<FakeToolCall> Calls, ChatFinishReason? Finish, int Updates)> StreamedCallsAsync(ChatClient chat, ChatCompletionOptions options)
    {
        var ids = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        int updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("weather and time?")], options))
        {
            foreach (StreamingChatToolCallUpdate piece in update.ToolCallUpdates)
            {
                updates++;
                var (id, name, arguments) = ids.TryGetValue(piece.Index, out var known) ? known : (null, null, new StringBuilder());
                arguments.Append(piece.FunctionArgumentsUpdate?.ToString());
                ids[piece.Index] = (piece.ToolCallId ?? id, piece.FunctionName ?? name, arguments);
            }

            finish ??= update.FinishReason;
        }

        return ([.. ids.Values.Select(static c => new FakeToolCall(c.Id!, c.Name!, c.Arguments.ToString()))], finish, updates);
    }

    /// <summary>The body the SDK itself writes for these messages and options (what "unchanged" is compared with).</summary>
    private static async Task<string> SdkBodyAsync(IEnumerable<ChatMessage> messages, ChatCompletionOptions options)
    {
        var recorder = new BodyRecorder();
        var client = new ChatClient("m", new ApiKeyCredential("k"), new OpenAI.OpenAIClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/v1"),
            Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(new HttpClient(recorder)),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0),
        });
        var e = await Assert.ThrowsAnyAsync<Exception>(() => client.CompleteChatAsync(messages, options));
        return recorder.Body ?? throw new InvalidOperationException("the SDK sent nothing", e);
    }

    /// <summary>Keeps the request body and fails the call: nothing is sent.</summary>
    private sealed class BodyRecorder : HttpMessageHandler
    {
        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{}") };
        }
    }
}
