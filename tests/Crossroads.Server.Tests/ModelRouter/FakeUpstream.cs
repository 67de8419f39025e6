using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// A provider on a loopback port (real Kestrel) speaking OpenAI's chat completions (<c>POST /v1/chat/completions</c>)
/// and Anthropic's Messages API (<c>POST /v1/messages</c>): each model answers as its <see cref="FakeBehavior"/>
/// says (stream or whole answer, usage, failure statuses with <c>Retry-After</c>, hangs, resets, in-stream errors),
/// whichever protocol asks. Counts calls and keeps request bodies and headers.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private static readonly FakeProtocol OpenAi = new OpenAiFakeProtocol();
    private static readonly FakeProtocol Anthropic = new AnthropicFakeProtocol();

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private int _inFlight;
    private int _maxInFlight;

    private FakeUpstream(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, FakeBehavior> Models { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>The headers of every request, in arrival order.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Headers { get; } = new();

    /// <summary>The OpenAI-compatible base URL (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The Anthropic base URL (<c>http://127.0.0.1:port</c>; the API is under <c>/v1/messages</c>).</summary>
    public Uri AnthropicBaseUrl { get; private set; } = null!;

    /// <summary>Calls in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most calls that were in flight at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Calls(string model) => _calls.TryGetValue(model, out var n) ? n : 0;

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeUpstream(app);
        app.MapPost("/v1/chat/completions", context => fake.HandleAsync(context, OpenAi));
        app.MapPost("/v1/messages", context => fake.HandleAsync(context, Anthropic));
        await app.StartAsync();
        fake.AnthropicBaseUrl = new Uri(app.Urls.First());
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

    private async Task HandleAsync(HttpContext context, FakeProtocol protocol)
    {
        int now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        try
        {
            await AnswerAsync(context, protocol);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task AnswerAsync(HttpContext context, FakeProtocol protocol)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        Bodies.Enqueue(body);
        Headers.Enqueue(context.Request.Headers.ToDictionary(static h => h.Key.ToLowerInvariant(), static h => h.Value.ToString(), StringComparer.Ordinal));
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var model = root.GetProperty("model").GetString()!;
        // Anthropic answers a request with thinking enabled with thinking blocks before the text (the protocol reads this).
        context.Items[AnthropicFakeProtocol.ThinkingItem] = root.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.Object;
        int call = _calls.AddOrUpdate(model, 1, static (_, n) => n + 1);
        if (!Models.TryGetValue(model, out var b))
        {
            await protocol.UnknownModelAsync(context);
            return;
        }

        if (b.FailStatus is { } status && call <= b.FailFirstCalls)
        {
            await protocol.FailAsync(context, status, b);
            return;
        }

        int? maxTokens = root.TryGetProperty("max_tokens", out var mt) ? mt.GetInt32() : null;
        var calls = b.ToolCalls is { Count: > 0 } toolCalls && !protocol.HasToolResult(root) ? toolCalls : null;
        var words = calls is null ? b.Chunks?.ToList() ?? Words(b.Text).ToList() : [];
        bool cut = maxTokens is { } max && words.Count > max;
        if (cut)
        {
            words = words.Take(maxTokens!.Value).ToList();
        }

        var ct = context.RequestAborted;
        if (b.FirstTokenDelay > TimeSpan.Zero)
        {
            await Task.Delay(b.FirstTokenDelay, ct);
        }

        if (!FakeProtocol.Streams(root))
        {
            await protocol.WholeAsync(context, model, words, cut, b, calls);
            return;
        }

        await protocol.StartAsync(context, model, b);
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
                await protocol.ErrorAsync(context, b);
                return;
            }

            await protocol.DeltaAsync(context, model, words[i], root);
        }

        if (calls is not null)
        {
            await protocol.ToolCallsAsync(context, model, calls, b.ArgumentFragment);
            if (b.ResetAfterToolCalls)
            {
                // A reset drops what the receiver has not read yet: wait InterTokenDelay so the router reads the calls first.
                await Task.Delay(b.InterTokenDelay, ct);
                context.Abort();
                return;
            }
        }

        await protocol.EndAsync(context, model, calls is null ? words.Count : calls.Count, cut, b, calls is not null);
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
