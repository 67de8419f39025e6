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

    /// <summary>A whole, non-streamed answer.</summary>
    public abstract Task WholeAsync(HttpContext context, string model, IReadOnlyList<string> words, bool cut, FakeBehavior behavior);

    /// <summary>The stream's opening events (before any text).</summary>
    public abstract Task StartAsync(HttpContext context, string model, FakeBehavior behavior);

    /// <summary>One piece of text.</summary>
    public abstract Task DeltaAsync(HttpContext context, string model, string word);

    /// <summary>An in-stream error, after which the fake ends the stream.</summary>
    public abstract Task ErrorAsync(HttpContext context, FakeBehavior behavior);

    /// <summary>The stream's closing events (finish, usage, end marker).</summary>
    public abstract Task EndAsync(HttpContext context, string model, int completionTokens, bool cut, FakeBehavior behavior);

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
