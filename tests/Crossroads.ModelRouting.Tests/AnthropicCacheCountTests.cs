using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Anthropic's cache counts as the usage reads them: garbled ones, and a <c>message_delta</c> that repeats only some counts.</summary>
public sealed class AnthropicCacheCountTests
{
    private static readonly ModelDescriptor Cached = TestModels.CachePriced;

    /// <summary>
    /// A garbled (negative) cache count must neither bill a negative amount nor shrink the prompt count: it is read
    /// as 0, as OpenAI's detail counts are.
    /// </summary>
    [Fact]
    public async Task Negative_cache_counts_are_read_as_0_and_bill_nothing_negative()
    {
        var provider = Provider("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn",
             "usage":{"input_tokens":10,"cache_creation_input_tokens":-5,"cache_read_input_tokens":-100000,"output_tokens":9}}
            """);

        var usage = (await RunAsync(provider)).Single(static e => e.Kind == CompletionEventKind.Usage).Usage;

        Assert.Equal(new TokenUsage(10, 9), usage);
        Assert.True(Cached.CostUsd(usage) > 0, $"billed {Cached.CostUsd(usage)}");
    }

    [Fact]
    public void A_streamed_negative_cache_count_is_read_as_0()
    {
        var events = Stream(
            """{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":-100000,"output_tokens":1}}}""",
            """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}""");

        Assert.Equal(new TokenUsage(10, 7), events.Single(static e => e.Kind == CompletionEventKind.Usage).Usage);
    }

    private static AnthropicProvider Provider(string body) =>
        new("a", new HttpClient(StubHandler.Json(body)), new Uri("https://api.example.test"), null, 100);

    internal static List<CompletionEvent> Stream(string start, string delta)
    {
        var provider = Provider("{}");
        var state = new AnthropicProvider.StreamState();
        var events = new List<CompletionEvent>();
        provider.ParseEvent(new SseEvent("message_start", start), state, events);
        provider.ParseEvent(new SseEvent("message_delta", delta), state, events);
        provider.ParseEvent(new SseEvent("message_stop", """{"type":"message_stop"}"""), state, events);
        return events;
    }

    private static async Task<List<CompletionEvent>> RunAsync(IModelProvider provider)
    {
        var events = new List<CompletionEvent>();
        await foreach (var e in provider.StreamAsync("m", new ProviderRequest { Messages = [new("user", "hi")] }, CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }
}
