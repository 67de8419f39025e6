using System.Net;
using System.Text.Json;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// The adapter's side of extended thinking and prompt caching: the request it writes for a thinking budget or with
/// caching, the features a thinking effort combined with what thinking refuses needs, and thinking blocks skipped.
/// </summary>
public sealed class AnthropicThinkingTests
{
    private static readonly ChatMessage[] Hi = [new("user", "hi")];

    private static AnthropicProvider Provider(string body = "", string mediaType = "text/event-stream") =>
        new("anthropic", new HttpClient(new StubHandler(HttpStatusCode.OK, body, mediaType, null)), new Uri("https://api.example.test"), "k", 512);

    [Fact]
    public void A_budget_adds_thinking_raises_max_tokens_by_it_and_drops_the_temperature()
    {
        var request = new ProviderRequest { Messages = Hi, MaxTokens = 100, Temperature = 1, TopP = 0.97, ThinkingBudget = 4096 };

        var root = JsonDocument.Parse(Provider().RequestBody("m", request)).RootElement;

        Assert.Equal(4196, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal("enabled", root.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal(4096, root.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.False(root.TryGetProperty("temperature", out _));
        Assert.Equal(0.97, root.GetProperty("top_p").GetDouble());
        var defaulted = JsonDocument.Parse(Provider().RequestBody("m", request with { MaxTokens = null })).RootElement;
        Assert.Equal(512 + 4096, defaulted.GetProperty("max_tokens").GetInt32());
        var none = JsonDocument.Parse(Provider().RequestBody("m", request with { ThinkingBudget = 0 })).RootElement;
        Assert.False(none.TryGetProperty("thinking", out _));
        Assert.Equal(100, none.GetProperty("max_tokens").GetInt32());
        Assert.Equal(1, none.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void Prompt_caching_marks_the_last_tool_and_the_system_block()
    {
        var request = new ProviderRequest
        {
            Messages = [new("system", "S"), new("user", "hi")],
            Tools = [new ToolDefinition("a", null, null, "{}"), new ToolDefinition("b", null, null, "{}")],
            PromptCache = true,
        };

        string json = System.Text.Encoding.UTF8.GetString(Provider().RequestBody("m", request));
        var root = JsonDocument.Parse(json).RootElement;

        Assert.Equal("S", root.GetProperty("system")[0].GetProperty("text").GetString());
        Assert.Equal("ephemeral", root.GetProperty("system")[0].GetProperty("cache_control").GetProperty("type").GetString());
        Assert.False(root.GetProperty("tools")[0].TryGetProperty("cache_control", out _));
        Assert.Equal("ephemeral", root.GetProperty("tools")[1].GetProperty("cache_control").GetProperty("type").GetString());
        string plain = System.Text.Encoding.UTF8.GetString(Provider().RequestBody("m", request with { PromptCache = false }));
        Assert.DoesNotContain("cache_control", plain, StringComparison.Ordinal);
        Assert.Equal("S", JsonDocument.Parse(plain).RootElement.GetProperty("system").GetString());
    }

    [Fact]
    public void A_thinking_effort_with_what_thinking_refuses_needs_the_conflict_features_and_none_needs_none_of_them()
    {
        var tools = new[] { new ToolDefinition("f", null, null, "{}") };
        var low = new ProviderRequest { Messages = Hi, ReasoningEffort = "low" };

        Assert.Equal(RequestFeatures.ReasoningEffort, RequiredFeatures.Of(low with { Temperature = 1, TopP = 0.95 }));
        Assert.Equal(RequestFeatures.ReasoningEffort | RequestFeatures.ReasoningWithSampling, RequiredFeatures.Of(low with { Temperature = 0.7 }));
        Assert.Equal(RequestFeatures.ReasoningEffort | RequestFeatures.ReasoningWithSampling, RequiredFeatures.Of(low with { TopP = 0.9 }));
        Assert.Equal(
            RequestFeatures.ReasoningEffort | RequestFeatures.Tools | RequestFeatures.ReasoningWithForcedTool,
            RequiredFeatures.Of(low with { Tools = tools, ToolChoice = new ToolChoice(ToolChoiceMode.Required, null, "\"required\"") }));
        Assert.Equal(
            RequestFeatures.ReasoningEffort | RequestFeatures.Tools,
            RequiredFeatures.Of(low with { Tools = tools, ToolChoice = new ToolChoice(ToolChoiceMode.Auto, null, "\"auto\"") }));
        Assert.Equal(
            RequestFeatures.ReasoningEffort | RequestFeatures.JsonObject | RequestFeatures.ReasoningWithForcedTool,
            RequiredFeatures.Of(low with { ResponseFormat = new ResponseFormat("json_object", """{"type":"json_object"}""") }));
        Assert.Equal(
            RequestFeatures.ReasoningEffort | RequestFeatures.ReasoningWithToolHistory,
            RequiredFeatures.Of(low with { Messages = [new("user", "hi"), new("assistant", string.Empty, [new ToolCall("c1", "f", "{}")]), new("tool", "42", ToolCallId: "c1")] }));
        Assert.Equal(
            RequestFeatures.ReasoningEffort | RequestFeatures.ReasoningWithPrefill,
            RequiredFeatures.Of(low with { Messages = [new("user", "Answer in JSON."), new("assistant", "{")] }));
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(new ProviderRequest { Messages = [new("user", "Answer in JSON."), new("assistant", "{")] }));
        Assert.Equal(RequestFeatures.ReasoningEffort, RequiredFeatures.Of(low with { ReasoningEffort = "none", Temperature = 0.2, TopP = 0.5 }));
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(new ProviderRequest { Messages = Hi, Temperature = 0.2 }));
    }

    [Fact]
    public async Task Thinking_and_redacted_thinking_blocks_and_their_deltas_are_skipped_in_a_stream()
    {
        const string Stream = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":5,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: content_block_start
            data: {"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Answer."}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":2}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":40}}

            event: message_stop
            data: {"type":"message_stop"}


            """;

        var events = await RunAsync(Provider(Stream.Replace("\r\n", "\n", StringComparison.Ordinal)));

        Assert.Equal([CompletionEvent.Delta("Answer."), CompletionEvent.Finish("stop"), CompletionEvent.UsageReport(new TokenUsage(5, 40))], events);
    }

    [Fact]
    public async Task Thinking_blocks_are_skipped_in_a_whole_message()
    {
        const string Message = """
            {"id":"m","type":"message","role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"redacted_thinking","data":"x"},{"type":"text","text":"Answer."}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":40}}
            """;

        var events = await RunAsync(Provider(Message, "application/json"));

        Assert.Equal([CompletionEvent.Delta("Answer."), CompletionEvent.Finish("stop"), CompletionEvent.UsageReport(new TokenUsage(5, 40))], events);
    }

    private static async Task<List<CompletionEvent>> RunAsync(AnthropicProvider provider)
    {
        var events = new List<CompletionEvent>();
        await foreach (var e in provider.StreamAsync("m", new ProviderRequest { Messages = Hi, ThinkingBudget = 1024 }, CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }
}
