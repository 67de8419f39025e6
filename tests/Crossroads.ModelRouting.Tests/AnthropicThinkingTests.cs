using System.Net;
using System.Text.Json;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// The adapter's side of extended thinking and prompt caching: the request it writes for a thinking budget or with
/// caching, the features a thinking effort combined with what thinking refuses needs, thinking blocks relayed (text
/// as reasoning pieces, each block whole with its signature when it ends) and sent back first in their assistant turn.
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
        // The current loop's assistant message carries its signed blocks: served with thinking; an earlier turn's may be missing.
        ThinkingBlock[] blocks = [ThinkingBlock.Thinking("t", "s")];
        Assert.Equal(
            RequestFeatures.ReasoningEffort,
            RequiredFeatures.Of(low with { Messages = [new("user", "hi"), new("assistant", string.Empty, [new ToolCall("c1", "f", "{}")]) { ThinkingBlocks = blocks }, new("tool", "42", ToolCallId: "c1")] }));
        Assert.Equal(
            RequestFeatures.ReasoningEffort,
            RequiredFeatures.Of(low with
            {
                Messages = [new("user", "hi"), new("assistant", string.Empty, [new ToolCall("c1", "f", "{}")]), new("tool", "42", ToolCallId: "c1"), new("assistant", string.Empty, [new ToolCall("c2", "f", "{}")]) { ThinkingBlocks = blocks }, new("tool", "43", ToolCallId: "c2")],
            }));
        Assert.Equal(
            RequestFeatures.ReasoningEffort | RequestFeatures.ReasoningWithToolHistory,
            RequiredFeatures.Of(low with
            {
                Messages = [new("user", "hi"), new("assistant", string.Empty, [new ToolCall("c1", "f", "{}")]) { ThinkingBlocks = blocks }, new("tool", "42", ToolCallId: "c1"), new("assistant", string.Empty, [new ToolCall("c2", "f", "{}")]), new("tool", "43", ToolCallId: "c2")],
            }));
        Assert.Equal(
            RequestFeatures.ReasoningEffort | RequestFeatures.ReasoningWithPrefill,
            RequiredFeatures.Of(low with { Messages = [new("user", "Answer in JSON."), new("assistant", "{")] }));
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(new ProviderRequest { Messages = [new("user", "Answer in JSON."), new("assistant", "{")] }));
        Assert.Equal(RequestFeatures.ReasoningEffort, RequiredFeatures.Of(low with { ReasoningEffort = "none", Temperature = 0.2, TopP = 0.5 }));
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(new ProviderRequest { Messages = Hi, Temperature = 0.2 }));
    }

    [Fact]
    public async Task Thinking_deltas_are_reasoning_pieces_and_each_block_is_relayed_whole_at_its_stop_in_a_stream()
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

        Assert.Equal(
            [
                CompletionEvent.ReasoningPart("Let me think"),
                CompletionEvent.ThinkingBlockEnd(ThinkingBlock.Thinking("Let me think", "EqQBCgIYAhIM")),
                CompletionEvent.ThinkingBlockEnd(ThinkingBlock.Redacted("EmwKAhgBEgy")),
                CompletionEvent.Delta("Answer."),
                CompletionEvent.Finish("stop"),
                CompletionEvent.UsageReport(new TokenUsage(5, 40)),
            ],
            events);
    }

    [Fact]
    public async Task Thinking_blocks_of_a_whole_message_are_relayed_in_order_before_the_text()
    {
        const string Message = """
            {"id":"m","type":"message","role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"redacted_thinking","data":"x"},{"type":"text","text":"Answer."}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":40}}
            """;

        var events = await RunAsync(Provider(Message, "application/json"));

        Assert.Equal(
            [
                CompletionEvent.ReasoningPart("hmm"),
                CompletionEvent.ThinkingBlockEnd(ThinkingBlock.Thinking("hmm", "sig")),
                CompletionEvent.ThinkingBlockEnd(ThinkingBlock.Redacted("x")),
                CompletionEvent.Delta("Answer."),
                CompletionEvent.Finish("stop"),
                CompletionEvent.UsageReport(new TokenUsage(5, 40)),
            ],
            events);
    }

    [Fact]
    public void Thinking_blocks_open_their_assistant_turn_unchanged_and_in_order_only_when_the_attempt_thinks()
    {
        var assistant = new ChatMessage("assistant", "Let me look.", [new ToolCall("toolu_1", "f", """{"q":1}""")])
        {
            ThinkingBlocks = [ThinkingBlock.Thinking("I should call f with [EMAIL_1].", "sig-1"), ThinkingBlock.Redacted("ZW5j")],
        };
        var request = new ProviderRequest { Messages = [new("user", "hi"), assistant, new("tool", "42", ToolCallId: "toolu_1")], ThinkingBudget = 1024 };

        var turn = JsonDocument.Parse(Provider().RequestBody("m", request)).RootElement.GetProperty("messages")[1];
        var plain = JsonDocument.Parse(Provider().RequestBody("m", request with { ThinkingBudget = 0 })).RootElement.GetProperty("messages")[1];

        Assert.Equal("assistant", turn.GetProperty("role").GetString());
        Assert.Equal(
            """[{"type":"thinking","thinking":"I should call f with [EMAIL_1].","signature":"sig-1"},{"type":"redacted_thinking","data":"ZW5j"},{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_1","name":"f","input":{"q":1}}]""",
            turn.GetProperty("content").GetRawText());
        Assert.Equal(["text", "tool_use"], plain.GetProperty("content").EnumerateArray().Select(static b => b.GetProperty("type").GetString()));
    }

    /// <summary>
    /// The blocks a tool loop sends back are input Anthropic counts (the current turn's thinking is part of the context
    /// window): the estimate the reservation and the context-window check use must count them, or a long thinking
    /// block is reserved for as nothing.
    /// </summary>
    [Fact]
    public void Thinking_blocks_sent_back_count_in_the_prompt_estimate()
    {
        string thought = string.Join(' ', Enumerable.Repeat("I should weigh the evidence carefully before calling f.", 200));
        var call = new ChatMessage("assistant", string.Empty, [new ToolCall("toolu_1", "f", """{"q":1}""")]);
        ChatMessage[] without = [new("user", "hi"), call, new("tool", "42", ToolCallId: "toolu_1")];
        ChatMessage[] with = [without[0], call with { ThinkingBlocks = [ThinkingBlock.Thinking(thought, "sig-1")] }, without[2]];

        int extra = DemoModelProvider.TextPromptTokens(with) - DemoModelProvider.TextPromptTokens(without);

        Assert.True(extra >= Crossroads.ModelRouting.Tokens.TokenCounter.Count(thought), $"the blocks added {extra} tokens");
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
