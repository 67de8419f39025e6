using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>OpenAI's chat completions: <c>chat.completion</c> or <c>chat.completion.chunk</c> events ending in <c>data: [DONE]</c>.</summary>
internal sealed class OpenAiFakeProtocol : FakeProtocol
{
    public override Task FailAsync(HttpContext context, int status, FakeBehavior behavior) =>
        WriteErrorAsync(context, status, behavior, "{\"error\":{\"message\":\"fake failure " + status + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"fake\"}}");

    public override Task UnknownModelAsync(HttpContext context) =>
        WriteErrorAsync(context, 404, null, """{"error":{"message":"no such model","type":"invalid_request_error","code":"model_not_found"}}""");

    public override bool HasToolResult(JsonElement root) =>
        root.GetProperty("messages").EnumerateArray().Any(static m => m.GetProperty("role").ValueEquals("tool"));

    /// <summary>As OpenAI streams a call: its first chunk with id, type, name and <c>arguments: ""</c>, then <c>{index, function: {arguments}}</c> fragments.</summary>
    public override async Task ToolCallsAsync(HttpContext context, string model, IReadOnlyList<FakeToolCall> calls, int fragment)
    {
        for (int i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            await SendAsync(context, null, $$$"""{"id":"fake","object":"chat.completion.chunk","model":"{{{model}}}","choices":[{"index":0,"delta":{"tool_calls":[{"index":{{{i}}},"id":"{{{call.Id}}}","type":"function","function":{"name":"{{{call.Name}}}","arguments":""}}]},"finish_reason":null}]}""");
            foreach (var piece in Fragments(call.Arguments, fragment))
            {
                await SendAsync(context, null, "{\"id\":\"fake\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":" + i + ",\"function\":{\"arguments\":" + JsonSerializer.Serialize(piece) + "}}]},\"finish_reason\":null}]}");
            }
        }
    }

    public override Task WholeAsync(HttpContext context, string model, IReadOnlyList<string> words, bool cut, FakeBehavior behavior, IReadOnlyList<FakeToolCall>? calls)
    {
        context.Response.ContentType = "application/json";
        object message = calls is null
            ? new { role = "assistant", content = (string?)string.Concat(words), annotations = behavior.Annotations is { } a ? JsonDocument.Parse(a).RootElement : (JsonElement?)null }
            : new { role = "assistant", content = (string?)null, tool_calls = calls.Select(static c => new { id = c.Id, type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray() };
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id = "fake",
            @object = "chat.completion",
            model,
            choices = new[] { new { index = 0, message, finish_reason = calls is not null ? "tool_calls" : cut ? "length" : "stop" } },
            usage = JsonDocument.Parse(Usage(behavior, words.Count)).RootElement,
        }), context.RequestAborted);
    }

    public override Task StartAsync(HttpContext context, string model, FakeBehavior behavior)
    {
        context.Response.ContentType = "text/event-stream";
        return SendAsync(context, null, $$"""{"id":"fake","object":"chat.completion.chunk","model":"{{model}}",{{Tier(behavior)}}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""");
    }

    public override Task DeltaAsync(HttpContext context, string model, string word) =>
        SendAsync(context, null, $$"""{"id":"fake","object":"chat.completion.chunk","model":"{{model}}","choices":[{"index":0,"delta":{"content":{{JsonSerializer.Serialize(word)}}},"finish_reason":null}]}""");

    /// <summary>With <c>logprobs: true</c>, the chunk carries <see cref="FakeLogprobs"/> for the word (and <c>top_logprobs</c> alternatives).</summary>
    public override Task DeltaAsync(HttpContext context, string model, string word, JsonElement request)
    {
        if (!(request.TryGetProperty("logprobs", out var asked) && asked.ValueKind == JsonValueKind.True))
        {
            return DeltaAsync(context, model, word);
        }

        int top = request.TryGetProperty("top_logprobs", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 0;
        return SendAsync(context, null, $$"""{"id":"fake","object":"chat.completion.chunk","model":"{{model}}","choices":[{"index":0,"delta":{"content":{{JsonSerializer.Serialize(word)}}},"logprobs":{{FakeLogprobs.Json(word, top)}},"finish_reason":null}]}""");
    }

    public override Task ErrorAsync(HttpContext context, FakeBehavior behavior) =>
        SendAsync(context, null, """{"error":{"message":"fake in-stream failure","type":"server_error"}}""");

    public override async Task EndAsync(HttpContext context, string model, int completionTokens, bool cut, FakeBehavior behavior, bool toolCalls)
    {
        if (behavior.Annotations is { } annotations)
        {
            await SendAsync(context, null, $$"""{"id":"fake","object":"chat.completion.chunk","model":"{{model}}",{{Tier(behavior)}}"choices":[{"index":0,"delta":{"annotations":{{annotations}}},"finish_reason":null}]}""");
        }

        await SendAsync(context, null, $$"""{"id":"fake","object":"chat.completion.chunk","model":"{{model}}",{{Tier(behavior)}}"choices":[{"index":0,"delta":{},"finish_reason":"{{(toolCalls ? "tool_calls" : cut ? "length" : "stop")}}"}]}""");
        if (behavior.Usage)
        {
            await SendAsync(context, null, $$$"""{"id":"fake","object":"chat.completion.chunk","model":"{{{model}}}","choices":[],"usage":{{{Usage(behavior, completionTokens)}}}}""");
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    /// <summary>OpenAI's <c>usage</c> object; its <c>*_tokens_details</c> only when the behaviour has a detail that is not 0.</summary>
    private static string Usage(FakeBehavior b, int completionTokens)
    {
        string details = b.CachedTokens == 0 && b.ReasoningTokens == 0 && b.AcceptedPredictionTokens == 0 && b.RejectedPredictionTokens == 0
            ? string.Empty
            : $$""","prompt_tokens_details":{"cached_tokens":{{b.CachedTokens}},"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":{{b.ReasoningTokens}},"audio_tokens":0,"accepted_prediction_tokens":{{b.AcceptedPredictionTokens}},"rejected_prediction_tokens":{{b.RejectedPredictionTokens}}}""";
        return $$"""{"prompt_tokens":{{b.PromptTokens}},"completion_tokens":{{completionTokens}},"total_tokens":{{b.PromptTokens + completionTokens}}{{details}}}""";
    }

    /// <summary>The <c>service_tier</c> member (with its comma) OpenAI puts in every chunk, when the behaviour has one.</summary>
    private static string Tier(FakeBehavior behavior) =>
        behavior.ServiceTier is { } tier ? "\"service_tier\":" + JsonSerializer.Serialize(tier) + "," : string.Empty;
}
