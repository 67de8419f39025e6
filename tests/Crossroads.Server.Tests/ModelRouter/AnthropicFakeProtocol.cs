using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// Anthropic's Messages API as its documentation shows it: a <c>message</c> object, or the named SSE events
/// <c>message_start</c> (input usage), <c>content_block_start</c>, <c>ping</c>, <c>content_block_delta</c>
/// (<c>text_delta</c>), <c>content_block_stop</c>, <c>message_delta</c> (stop reason, cumulative output usage),
/// <c>message_stop</c>; errors as <c>{"type":"error","error":{"type","message"}}</c>, in a body or an <c>error</c> event.
/// A request with <c>thinking</c> gets, as with extended thinking, a <c>thinking</c> block (<c>thinking_delta</c>s and a
/// <c>signature_delta</c>) and a <c>redacted_thinking</c> block before the text, whose index follows them.
/// </summary>
internal sealed class AnthropicFakeProtocol : FakeProtocol
{
    /// <summary>The <c>HttpContext.Items</c> key saying the request enabled thinking (set by <see cref="FakeUpstream"/>).</summary>
    public const string ThinkingItem = "anthropic.thinking";

    /// <summary>The thought the fake thinks: it must never reach a client's content.</summary>
    public const string Thought = "SECRET-THOUGHT: the user wants a greeting.";

    public override Task FailAsync(HttpContext context, int status, FakeBehavior behavior)
    {
        string type = status switch
        {
            400 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            429 => "rate_limit_error",
            529 => "overloaded_error",
            _ => "api_error",
        };
        return WriteErrorAsync(context, status, behavior, $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"fake failure {{{status}}}"}}""");
    }

    public override Task UnknownModelAsync(HttpContext context) =>
        WriteErrorAsync(context, 404, null, """{"type":"error","error":{"type":"not_found_error","message":"model: no such model"}}""");

    public override bool HasToolResult(JsonElement root) =>
        root.GetProperty("messages").EnumerateArray().Any(static m => m.GetProperty("content") is { ValueKind: JsonValueKind.Array } blocks
            && blocks.EnumerateArray().Any(static b => b.GetProperty("type").ValueEquals("tool_result")));

    public override Task WholeAsync(HttpContext context, string model, IReadOnlyList<string> words, bool cut, FakeBehavior behavior, IReadOnlyList<FakeToolCall>? calls)
    {
        context.Response.ContentType = "application/json";
        string content = calls is null
            ? $$"""[{"type":"text","text":{{JsonSerializer.Serialize(string.Concat(words))}}}]"""
            : "[" + string.Join(',', calls.Select(static c => $$"""{"type":"tool_use","id":"{{c.Id}}","name":"{{c.Name}}","input":{{c.Arguments}}}""")) + "]";
        if (Thinks(context))
        {
            content = "[" + $$"""{"type":"thinking","thinking":{{JsonSerializer.Serialize(behavior.Thought ?? Thought)}},"signature":"sig-fake"},{"type":"redacted_thinking","data":"ZW5jcnlwdGVk"},""" + content[1..];
        }

        string stop = calls is null ? StopReason(cut, behavior) : "tool_use";
        return context.Response.WriteAsync(
            $$"""{"id":"msg_fake","type":"message","role":"assistant","model":"{{model}}","content":{{content}},"stop_reason":"{{stop}}","stop_sequence":null,"usage":{{Usage(behavior, calls?.Count ?? words.Count)}}}""",
            context.RequestAborted);
    }

    /// <summary>
    /// As the Messages API streams tool use: the (empty) text block 0 closes, then per call a <c>content_block_start</c>
    /// with <c>{"type":"tool_use","id","name","input":{}}</c>, <c>input_json_delta</c> fragments (the first one
    /// empty, as Anthropic sends it) and a <c>content_block_stop</c>.
    /// </summary>
    public override async Task ToolCallsAsync(HttpContext context, string model, IReadOnlyList<FakeToolCall> calls, int fragment)
    {
        int text = TextIndex(context);
        await SendAsync(context, "content_block_stop", $$"""{"type":"content_block_stop","index":{{text}}}""");
        for (int i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            int index = text + i + 1;
            await SendAsync(context, "content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + call.Id + "\",\"name\":\"" + call.Name + "\",\"input\":{}}}");
            foreach (var piece in Fragments(call.Arguments, fragment).Prepend(string.Empty))
            {
                await SendAsync(context, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + JsonSerializer.Serialize(piece) + "}}");
            }

            await SendAsync(context, "content_block_stop", $$"""{"type":"content_block_stop","index":{{index}}}""");
        }
    }

    public override async Task StartAsync(HttpContext context, string model, FakeBehavior behavior)
    {
        context.Response.ContentType = "text/event-stream";
        string usage = behavior.Usage ? ",\"usage\":" + Usage(behavior, 1) : string.Empty;
        await SendAsync(context, "message_start", $$$"""{"type":"message_start","message":{"id":"msg_fake","type":"message","role":"assistant","model":"{{{model}}}","content":[],"stop_reason":null,"stop_sequence":null{{{usage}}}}}""");
        if (Thinks(context))
        {
            await SendAsync(context, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}""");
            foreach (var piece in FakeUpstream.Words(behavior.Thought ?? Thought))
            {
                await SendAsync(context, "content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":{{{JsonSerializer.Serialize(piece)}}}}}""");
            }

            await SendAsync(context, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig-fake"}}""");
            await SendAsync(context, "content_block_stop", """{"type":"content_block_stop","index":0}""");
            await SendAsync(context, "content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"ZW5jcnlwdGVk"}}""");
            await SendAsync(context, "content_block_stop", """{"type":"content_block_stop","index":1}""");
        }

        await SendAsync(context, "content_block_start", $$$"""{"type":"content_block_start","index":{{{TextIndex(context)}}},"content_block":{"type":"text","text":""}}""");
        await SendAsync(context, "ping", """{"type":"ping"}""");
    }

    public override Task DeltaAsync(HttpContext context, string model, string word) =>
        SendAsync(context, "content_block_delta", $$$"""{"type":"content_block_delta","index":{{{TextIndex(context)}}},"delta":{"type":"text_delta","text":{{{JsonSerializer.Serialize(word)}}}}}""");

    public override Task ErrorAsync(HttpContext context, FakeBehavior behavior) =>
        SendAsync(context, "error", $$$"""{"type":"error","error":{"type":"{{{behavior.AnthropicErrorType}}}","message":"fake in-stream failure"}}""");

    public override async Task EndAsync(HttpContext context, string model, int completionTokens, bool cut, FakeBehavior behavior, bool toolCalls)
    {
        if (!toolCalls)
        {
            await SendAsync(context, "content_block_stop", $$"""{"type":"content_block_stop","index":{{TextIndex(context)}}}""");
        }

        string usage = behavior.Usage ? $$""","usage":{"output_tokens":{{completionTokens}}}""" : string.Empty;
        string stop = toolCalls ? "tool_use" : StopReason(cut, behavior);
        await SendAsync(context, "message_delta", $$"""{"type":"message_delta","delta":{"stop_reason":"{{stop}}","stop_sequence":null}{{usage}}}""");
        await SendAsync(context, "message_stop", """{"type":"message_stop"}""");
    }

    private static bool Thinks(HttpContext context) => context.Items.TryGetValue(ThinkingItem, out var thinks) && thinks is true;

    /// <summary>The text block's index: after the thinking and redacted thinking blocks when there are some.</summary>
    private static int TextIndex(HttpContext context) => Thinks(context) ? 2 : 0;

    private static string StopReason(bool cut, FakeBehavior behavior) => cut ? "max_tokens" : behavior.StopReason ?? "end_turn";

    /// <summary>Anthropic's usage: <c>input_tokens</c> without the cache reads and writes, which it counts apart; <c>service_tier</c> when the behaviour has one.</summary>
    private static string Usage(FakeBehavior b, int output) =>
        $$"""{"input_tokens":{{b.PromptTokens - b.CachedTokens - b.CacheWriteTokens}},"cache_creation_input_tokens":{{b.CacheWriteTokens}},"cache_read_input_tokens":{{b.CachedTokens}},"output_tokens":{{output}}{{(b.ServiceTier is { } tier ? ",\"service_tier\":" + JsonSerializer.Serialize(tier) : string.Empty)}}}""";
}
