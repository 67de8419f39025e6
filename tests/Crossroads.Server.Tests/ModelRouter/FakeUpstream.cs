using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// An OpenAI-compatible upstream on a loopback port (real Kestrel): <c>POST /v1/chat/completions</c> answering each
/// model as its <see cref="FakeBehavior"/> says (stream or JSON, usage, failure statuses, hangs, resets, in-stream
/// errors), counting calls and keeping the request bodies.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    private FakeUpstream(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, FakeBehavior> Models { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Bodies { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public int Calls(string model) => _calls.TryGetValue(model, out var n) ? n : 0;

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeUpstream(app);
        app.MapPost("/v1/chat/completions", fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = new Uri(app.Urls.First() + "/v1");
        return fake;
    }

    public FakeBehavior Model(string name)
    {
        var behavior = new FakeBehavior();
        Models[name] = behavior;
        return behavior;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        Bodies.Enqueue(body);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var model = root.GetProperty("model").GetString()!;
        int call = _calls.AddOrUpdate(model, 1, static (_, n) => n + 1);
        if (!Models.TryGetValue(model, out var b))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "no such model", type = "invalid_request_error", code = "model_not_found" } });
            return;
        }

        if (b.FailStatus is { } status && call <= b.FailFirstCalls)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"error\":{\"message\":\"fake failure " + status + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"fake\"}}");
            return;
        }

        int? maxTokens = root.TryGetProperty("max_tokens", out var mt) ? mt.GetInt32() : null;
        var words = Words(b.Text).ToList();
        string finish = "stop";
        if (maxTokens is { } max && words.Count > max)
        {
            words = words.Take(max).ToList();
            finish = "length";
        }

        bool stream = root.TryGetProperty("stream", out var s) && s.GetBoolean();
        var ct = context.RequestAborted;
        if (b.FirstTokenDelay > TimeSpan.Zero)
        {
            await Task.Delay(b.FirstTokenDelay, ct);
        }

        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                id = "fake",
                @object = "chat.completion",
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(words) }, finish_reason = finish } },
                usage = new { prompt_tokens = b.PromptTokens, completion_tokens = words.Count, total_tokens = b.PromptTokens + words.Count },
            }), ct);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await SendAsync(context, $$"""{"id":"fake","object":"chat.completion.chunk","model":"{{model}}","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""");
        for (int i = 0; i < words.Count; i++)
        {
            if (i > 0 && b.InterTokenDelay > TimeSpan.Zero)
            {
                await Task.Delay(b.InterTokenDelay, ct);
            }

            if (b.ResetAfterChunks == i)
            {
                context.Abort();
                return;
            }

            if (b.ErrorAfterChunks == i)
            {
                await SendAsync(context, """{"error":{"message":"fake in-stream failure","type":"server_error"}}""");
                return;
            }

            await SendAsync(context, $$"""{"id":"fake","object":"chat.completion.chunk","model":"{{model}}","choices":[{"index":0,"delta":{"content":{{JsonSerializer.Serialize(words[i])}}},"finish_reason":null}]}""");
        }

        await SendAsync(context, $$"""{"id":"fake","object":"chat.completion.chunk","model":"{{model}}","choices":[{"index":0,"delta":{},"finish_reason":"{{finish}}"}]}""");
        if (b.Usage)
        {
            await SendAsync(context, $$$"""{"id":"fake","object":"chat.completion.chunk","model":"{{{model}}}","choices":[],"usage":{"prompt_tokens":{{{b.PromptTokens}}},"completion_tokens":{{{words.Count}}},"total_tokens":{{{b.PromptTokens + words.Count}}}}}""");
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task SendAsync(HttpContext context, string json)
    {
        await context.Response.WriteAsync("data: " + json + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Each word with the space before it (one "token" each: completion_tokens = word count).</summary>
    public static IEnumerable<string> Words(string text)
    {
        int start = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] == ' ')
            {
                yield return text[start..i];
                start = i;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }
}
