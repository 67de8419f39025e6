using System.Net;
using System.Text;
using System.Text.Json;
using Crossroads.ModelRouting.Privacy;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Tool calls in both protocols' readers and writers, in the token estimate and under PII redaction.</summary>
public sealed class ToolMappingTests
{
    private static readonly ToolDefinition Weather = new(
        "get_weather", "Weather", """{"type":"object","properties":{"city":{"type":"string"}}}""", """{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""");

    private static readonly ToolDefinition Ping = new("ping", null, null, """{"type":"function","function":{"name":"ping"}}""");

    [Fact]
    public void An_openai_chunk_gives_each_tool_call_piece_of_choice_zero_after_its_text()
    {
        var events = new List<CompletionEvent>();
        OpenAiChunk.Parse("up", null, """
            {"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"other","function":{"name":"x","arguments":""}}]}},
            {"index":0,"delta":{"content":"Let me check.","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}},{"index":1,"function":{"arguments":"{\"ci"}},{"function":{"arguments":"no index"}}]},"finish_reason":null}]}
            """u8, events);

        Assert.Equal(
            [
                CompletionEvent.Delta("Let me check."),
                CompletionEvent.ToolCallPart(new ToolCallDelta(0, "call_1", "get_weather", string.Empty)),
                CompletionEvent.ToolCallPart(new ToolCallDelta(1, null, null, "{\"ci")),
            ],
            events);
    }

    [Fact]
    public void An_anthropic_stream_maps_block_indexes_to_call_indexes_and_gives_an_inputless_call_empty_arguments()
    {
        var provider = new AnthropicProvider("a", new HttpClient(), new Uri("https://api.example.test"), null, 100);
        var state = new AnthropicProvider.StreamState();
        var events = new List<CompletionEvent>();
        string[] stream =
        [
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}}""",
            """{"type":"content_block_stop","index":0}""",
            """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}}""",
            """{"type":"content_block_stop","index":1}""",
            """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"ping","input":{}}}""",
            """{"type":"content_block_stop","index":2}""",
            """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}}""",
            """{"type":"message_stop"}""",
        ];
        foreach (var data in stream)
        {
            provider.ParseEvent(new SseEvent(null, data), state, events);
        }

        Assert.Equal(
            [
                CompletionEvent.Delta("Checking."),
                CompletionEvent.ToolCallPart(new ToolCallDelta(0, "toolu_1", "get_weather", string.Empty)),
                CompletionEvent.ToolCallPart(new ToolCallDelta(0, null, null, "{\"city\": \"Pa")),
                CompletionEvent.ToolCallPart(new ToolCallDelta(0, null, null, "ris\"}")),
                CompletionEvent.ToolCallPart(new ToolCallDelta(1, "toolu_2", "ping", string.Empty)),
                CompletionEvent.ToolCallPart(new ToolCallDelta(1, null, null, "{}")),
                CompletionEvent.Finish("tool_calls"),
            ],
            events);
    }

    [Fact]
    public void The_anthropic_body_maps_tool_history_and_choice_and_refuses_arguments_that_are_not_an_object()
    {
        var provider = new AnthropicProvider("a", new HttpClient(), new Uri("https://api.example.test"), null, 100);
        var request = new ProviderRequest
        {
            Messages =
            [
                new("user", "weather?"),
                new("assistant", "Checking.", [new ToolCall("c1", "get_weather", """{"city":"Paris"}"""), new ToolCall("c2", "ping", "")]),
                new("tool", "18 degrees", ToolCallId: "c1"),
                new("tool", "pong", ToolCallId: "c2"),
                new("user", "thanks"),
            ],
            Tools = [Weather, Ping],
            ParallelToolCalls = false,
        };

        var root = JsonDocument.Parse(provider.RequestBody("m", request)).RootElement;
        var noneChoice = JsonDocument.Parse(provider.RequestBody("m", request with { ToolChoice = new ToolChoice(ToolChoiceMode.None, null, "\"none\"") })).RootElement;
        var bad = request with { Messages = [new("assistant", string.Empty, [new ToolCall("c1", "get_weather", "[1,2]")])] };
        var error = Assert.Throws<ProviderException>(() => provider.RequestBody("m", bad));

        var turns = root.GetProperty("messages");
        Assert.Equal(3, turns.GetArrayLength());
        Assert.Equal(
            """[{"type":"text","text":"Checking."},{"type":"tool_use","id":"c1","name":"get_weather","input":{"city":"Paris"}},{"type":"tool_use","id":"c2","name":"ping","input":{}}]""",
            turns[1].GetProperty("content").GetRawText());
        Assert.Equal(
            """[{"type":"tool_result","tool_use_id":"c1","content":"18 degrees"},{"type":"tool_result","tool_use_id":"c2","content":"pong"},{"type":"text","text":"thanks"}]""",
            turns[2].GetProperty("content").GetRawText());
        Assert.Equal("""{"type":"auto","disable_parallel_tool_use":true}""", root.GetProperty("tool_choice").GetRawText());
        Assert.Equal("""{"type":"none"}""", noneChoice.GetProperty("tool_choice").GetRawText());
        Assert.Equal(2, noneChoice.GetProperty("tools").GetArrayLength());
        Assert.False(error.Retryable);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void The_openai_body_writes_tool_history_and_the_clients_tool_json_unchanged()
    {
        var request = new ProviderRequest
        {
            Messages = [new("assistant", string.Empty, [new ToolCall("c1", "get_weather", """{"city":"Paris"}""")]), new("tool", "18", ToolCallId: "c1")],
            Tools = [Weather],
            ToolChoice = new ToolChoice(ToolChoiceMode.Function, "get_weather", """{"type":"function","function":{"name":"get_weather"}}"""),
            ResponseFormat = new ResponseFormat("json_object", """{"type":"json_object"}"""),
        };

        var root = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", request)).RootElement;

        Assert.Equal(
            """[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\u0022city\u0022:\u0022Paris\u0022}"}}]},{"role":"tool","content":"18","tool_call_id":"c1"}]""",
            root.GetProperty("messages").GetRawText());
        Assert.Equal("[" + Weather.Json + "]", root.GetProperty("tools").GetRawText());
        Assert.Equal(request.ToolChoice.Json, root.GetProperty("tool_choice").GetRawText());
        Assert.Equal(request.ResponseFormat.Json, root.GetProperty("response_format").GetRawText());
        Assert.False(root.TryGetProperty("parallel_tool_calls", out _));
    }

    [Fact]
    public void The_input_estimate_counts_tool_definitions_and_tool_call_arguments()
    {
        IReadOnlyList<ChatMessage> plain = [new("user", "hi")];
        IReadOnlyList<ChatMessage> withCall = [new("user", "hi"), new("assistant", string.Empty, [new ToolCall("call_1", "get_weather", """{"city":"Paris","unit":"celsius","days":[1,2,3]}""")])];

        int basis = DemoModelProvider.PromptTokens(plain);

        Assert.True(DemoModelProvider.PromptTokens(plain, [Weather]) >= basis + 15);
        Assert.True(DemoModelProvider.PromptTokens(withCall) >= basis + 4 + 15);
    }

    [Fact]
    public void Redaction_replaces_string_values_inside_tool_json_and_keeps_it_valid()
    {
        const string Email = "jane.doe@example.com";
        ChatMessage[] input =
        [
            new ChatMessage("user", $"Mail {Email}"),
            new ChatMessage("assistant", string.Empty, [new ToolCall("c1", "send", $$"""{"to":"{{Email}}","note":"say \"hi\" to {{Email}}","n":4111}"""), new ToolCall("c9", "cc", """{"cc":"jane.doe\u0040example.com"}""")]),
            new ChatMessage("tool", $$"""{"sent_to":["{{Email}}"],"ok":true}""", ToolCallId: "c1"),
            new ChatMessage("tool", $"sent to {Email}", ToolCallId: "c2"),
            new ChatMessage("tool", """{"nothing" : "here"}""", ToolCallId: "c3"),
        ];
        var redaction = PiiRedactor.Default.Redact(input);

        var messages = redaction.Messages;
        Assert.Equal("Mail [EMAIL_1]", messages[0].Content);
        var arguments = JsonDocument.Parse(messages[1].ToolCalls![0].Arguments).RootElement;
        Assert.Equal("[EMAIL_1]", arguments.GetProperty("to").GetString());
        Assert.Equal("say \"hi\" to [EMAIL_1]", arguments.GetProperty("note").GetString());
        Assert.Equal(4111, arguments.GetProperty("n").GetInt32());
        // Read as JSON, an escaped value is the same address (a text scan of the raw JSON would miss it).
        Assert.Equal("[EMAIL_1]", JsonDocument.Parse(messages[1].ToolCalls![1].Arguments).RootElement.GetProperty("cc").GetString());
        Assert.Equal("[EMAIL_1]", JsonDocument.Parse(messages[2].Content).RootElement.GetProperty("sent_to")[0].GetString());
        Assert.Equal("sent to [EMAIL_1]", messages[3].Content);
        Assert.Equal("c2", messages[3].ToolCallId);
        Assert.Equal(1, redaction.Found[PiiKind.Email]);
        Assert.All(messages, static m => Assert.DoesNotContain(Email, m.Content + m.ToolCalls?.FirstOrDefault()?.Arguments, StringComparison.Ordinal));
        Assert.Same(input[4], messages[4]); // no PII: the client's JSON as it was, spacing included
    }

    [Fact]
    public async Task Whole_json_answers_of_both_protocols_give_their_tool_calls_with_the_arguments_as_json_text()
    {
        var anthropic = new AnthropicProvider("a", new HttpClient(new JsonAnswer("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],"stop_reason":"tool_use","usage":{"input_tokens":20,"output_tokens":9}}
            """)), new Uri("https://api.example.test"), null, 100);
        var openAi = new OpenAiCompatibleProvider("o", new HttpClient(new JsonAnswer("""
            {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":20,"completion_tokens":9}}
            """)), new Uri("https://api.example.test/v1"), null);
        var request = new ProviderRequest { Messages = [new("user", "weather?")], Tools = [Weather] };

        var fromAnthropic = new List<CompletionEvent>();
        await foreach (var e in anthropic.StreamAsync("claude", request, CancellationToken.None))
        {
            fromAnthropic.Add(e);
        }

        var fromOpenAi = new List<CompletionEvent>();
        await foreach (var e in openAi.StreamAsync("gpt", request, CancellationToken.None))
        {
            fromOpenAi.Add(e);
        }

        Assert.Equal(
            [
                CompletionEvent.Delta("Checking."),
                CompletionEvent.ToolCallPart(new ToolCallDelta(0, "toolu_1", "get_weather", """{"city":"Paris"}""")),
                CompletionEvent.Finish("tool_calls"),
                CompletionEvent.UsageReport(new TokenUsage(20, 9)),
            ],
            fromAnthropic);
        Assert.Equal(
            [
                CompletionEvent.ToolCallPart(new ToolCallDelta(0, "call_1", "get_weather", """{"city":"Paris"}""")),
                CompletionEvent.Finish("tool_calls"),
                CompletionEvent.UsageReport(new TokenUsage(20, 9)),
            ],
            fromOpenAi);
    }

    /// <summary>Answers every request with one JSON body (an upstream that ignores <c>stream</c>).</summary>
    private sealed class JsonAnswer(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
