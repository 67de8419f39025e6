using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>The wire format of one provider protocol the fake upstream speaks; <see cref="FakeUpstream"/> drives the behaviours.</summary>
internal abstract class FakeProtocol
{
    /// <summary>The answer of a failed call (<see cref="FakeBehavior.FailStatus"/>), in the protocol's error shape.</summary>
    public abstract Task FailAsync(HttpContext context, int status, FakeBehavior behavior);

    /// <summary>The answer of an unknown model (404).</summary>
    public abstract Task UnknownModelAsync(HttpContext context);

    /// <summary>A whole, non-streamed answer: the words, or the tool calls when <paramref name="calls"/> is not null.</summary>
    public abstract Task WholeAsync(HttpContext context, string model, IReadOnlyList<string> words, bool cut, FakeBehavior behavior, IReadOnlyList<FakeToolCall>? calls);

    /// <summary>Whether the request carries a tool result (the client's round after a tool call).</summary>
    public abstract bool HasToolResult(JsonElement root);

    /// <summary>The tool calls of a streamed answer, each argument string in fragments of <paramref name="fragment"/> characters.</summary>
    public abstract Task ToolCallsAsync(HttpContext context, string model, IReadOnlyList<FakeToolCall> calls, int fragment);

    /// <summary><paramref name="text"/> in pieces of <paramref name="size"/> characters.</summary>
    protected static IEnumerable<string> Fragments(string text, int size)
    {
        for (int i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    /// <summary>The stream's opening events (before any text).</summary>
    public abstract Task StartAsync(HttpContext context, string model, FakeBehavior behavior);

    /// <summary>One piece of text.</summary>
    public abstract Task DeltaAsync(HttpContext context, string model, string word);

    /// <summary>One piece of text for <paramref name="request"/> (whose members may ask for more, e.g. OpenAI's <c>logprobs</c>).</summary>
    public virtual Task DeltaAsync(HttpContext context, string model, string word, JsonElement request) => DeltaAsync(context, model, word);

    /// <summary>An in-stream error, after which the fake ends the stream.</summary>
    public abstract Task ErrorAsync(HttpContext context, FakeBehavior behavior);

    /// <summary>The stream's closing events (finish, usage, end marker); <paramref name="toolCalls"/> when the answer was tool calls.</summary>
    public abstract Task EndAsync(HttpContext context, string model, int completionTokens, bool cut, FakeBehavior behavior, bool toolCalls);

    /// <summary>Whether the request asked for a stream.</summary>
    public static bool Streams(JsonElement root) => root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    /// <summary>Writes one server-sent event (with an <c>event:</c> line when named) and flushes it.</summary>
    protected static async Task SendAsync(HttpContext context, string? name, string json)
    {
        var text = name is null ? "data: " + json + "\n\n" : "event: " + name + "\ndata: " + json + "\n\n";
        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>A JSON error body with the status (and <c>Retry-After</c> when the behaviour says).</summary>
    protected static Task WriteErrorAsync(HttpContext context, int status, FakeBehavior? behavior, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (behavior?.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return context.Response.WriteAsync(json);
    }
}
