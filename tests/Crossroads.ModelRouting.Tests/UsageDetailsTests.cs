using System.Text;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// Usage details read from both protocols (streamed chunks and whole answers), annotations and Anthropic's tier
/// read as events, and the bill and the reservation priced from them.
/// </summary>
public sealed class UsageDetailsTests
{
    private static readonly ModelDescriptor Cached = TestModels.CachePriced;

    [Fact]
    public void A_streamed_usage_chunk_gives_the_cached_reasoning_and_prediction_counts()
    {
        var events = new List<CompletionEvent>();
        OpenAiChunk.Parse("up", null, """{"choices":[],"usage":{"prompt_tokens":40,"completion_tokens":12,"total_tokens":52,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":32},"completion_tokens_details":{"reasoning_tokens":3,"audio_tokens":0,"accepted_prediction_tokens":2,"rejected_prediction_tokens":1}}}"""u8, events);

        var usage = Assert.Single(events).Usage;
        Assert.Equal(new TokenUsage(40, 12) { CachedTokens = 32, ReasoningTokens = 3, AcceptedPredictionTokens = 2, RejectedPredictionTokens = 1 }, usage);
    }

    [Theory]
    [InlineData("")]
    [InlineData(""","prompt_tokens_details":null,"completion_tokens_details":null""")]
    [InlineData(""","prompt_tokens_details":{},"completion_tokens_details":{"reasoning_tokens":null}""")]
    [InlineData(""","prompt_tokens_details":{"cached_tokens":-4},"completion_tokens_details":{"reasoning_tokens":"3"}""")]
    public void Absent_or_malformed_details_are_0(string tail)
    {
        string json = """{"choices":[],"usage":{"prompt_tokens":40,"completion_tokens":12""" + tail + "}}";
        var events = new List<CompletionEvent>();
        OpenAiChunk.Parse("up", null, Encoding.UTF8.GetBytes(json), events);

        Assert.Equal(new TokenUsage(40, 12), Assert.Single(events).Usage);
    }

    [Fact]
    public void Streamed_annotations_become_one_event_with_the_upstream_s_array_and_an_empty_array_none()
    {
        const string Array = """[{"type":"url_citation","url_citation":{"start_index":0,"end_index":3,"url":"https://a.test/\u00e9","title":"T"}}]""";
        var events = new List<CompletionEvent>();
        OpenAiChunk.Parse("up", null, Encoding.UTF8.GetBytes("""{"choices":[{"index":0,"delta":{"annotations":""" + Array + "}}]}"), events);
        var none = new List<CompletionEvent>();
        OpenAiChunk.Parse("up", null, """{"choices":[{"index":0,"delta":{"annotations":[ ]}}]}"""u8, none);

        Assert.Equal([CompletionEvent.AnnotationList(Array)], events);
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_whole_openai_answer_gives_its_details_and_annotations()
    {
        var provider = new OpenAiCompatibleProvider("o", new HttpClient(StubHandler.Json("""
            {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","annotations":[{"type":"url_citation","url_citation":{"url":"https://a.test"}}]},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":20,"completion_tokens":9,"prompt_tokens_details":{"cached_tokens":16},"completion_tokens_details":{"reasoning_tokens":4,"rejected_prediction_tokens":2}}}
            """)), new Uri("https://api.example.test/v1"), null);

        var events = await RunAsync(provider);

        Assert.Equal(
            [
                CompletionEvent.Delta("Hi.", null),
                CompletionEvent.AnnotationList("""[{"type":"url_citation","url_citation":{"url":"https://a.test"}}]"""),
                CompletionEvent.Finish("stop"),
                CompletionEvent.UsageReport(new TokenUsage(20, 9) { CachedTokens = 16, ReasoningTokens = 4, RejectedPredictionTokens = 2 }),
            ],
            events);
    }

    [Fact]
    public async Task A_whole_anthropic_answer_gives_cache_reads_as_cached_tokens_writes_apart_and_its_tier_first()
    {
        var provider = new AnthropicProvider("a", new HttpClient(StubHandler.Json("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn",
             "usage":{"input_tokens":10,"cache_creation_input_tokens":30,"cache_read_input_tokens":60,"output_tokens":9,"service_tier":"priority"}}
            """)), new Uri("https://api.example.test"), null, 100);

        var events = await RunAsync(provider);

        Assert.Equal(
            [
                CompletionEvent.Tier("priority"),
                CompletionEvent.Delta("Hi."),
                CompletionEvent.Finish("stop"),
                CompletionEvent.UsageReport(new TokenUsage(100, 9) { CachedTokens = 60, CacheWriteTokens = 30 }),
            ],
            events);
    }

    [Fact]
    public void A_streamed_anthropic_message_keeps_the_start_s_cache_counts_when_the_delta_repeats_none()
    {
        var provider = new AnthropicProvider("a", new HttpClient(StubHandler.Json("{}")), new Uri("https://api.example.test"), null, 100);
        var state = new AnthropicProvider.StreamState();
        var events = new List<CompletionEvent>();
        provider.ParseEvent(new SseEvent("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_creation_input_tokens":30,"cache_read_input_tokens":60,"output_tokens":1,"service_tier":"standard"}}}"""), state, events);
        provider.ParseEvent(new SseEvent("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}"""), state, events);
        provider.ParseEvent(new SseEvent("message_stop", """{"type":"message_stop"}"""), state, events);

        Assert.Equal(
            [CompletionEvent.Tier("default"), CompletionEvent.Finish("stop"), CompletionEvent.UsageReport(new TokenUsage(100, 7) { CachedTokens = 60, CacheWriteTokens = 30 })],
            events);
    }

    [Theory]
    [InlineData("standard", "default")]
    [InlineData("priority", "priority")]
    [InlineData("batch", "default")]
    [InlineData("", "default")]
    public void Anthropic_tiers_are_named_as_openai_names_them(string anthropic, string openAi) =>
        Assert.Equal(openAi, AnthropicProvider.ServiceTier(anthropic));

    /// <summary>The expected costs are written out from the prices above: $3 in, $0.30 cached, $3.75 written, $15 out per MTok.</summary>
    [Fact]
    public void The_bill_prices_each_kind_of_prompt_token_at_its_own_price()
    {
        var usage = new TokenUsage(1000, 200) { CachedTokens = 600, CacheWriteTokens = 300, ReasoningTokens = 50 };

        Assert.Equal(((100 * 3m) + (600 * 0.3m) + (300 * 3.75m) + (200 * 15m)) / 1_000_000m, Cached.CostUsd(usage));
    }

    [Fact]
    public void Without_cache_prices_cached_and_written_tokens_cost_the_input_price_as_before()
    {
        var plain = Cached with { CachedInputPricePerMTok = null, CacheWritePricePerMTok = null };
        var usage = new TokenUsage(1000, 200) { CachedTokens = 600, CacheWriteTokens = 300 };

        Assert.Equal(((1000 * 3m) + (200 * 15m)) / 1_000_000m, plain.CostUsd(usage));
        Assert.Equal(plain.CostUsd(1000, 200), plain.CostUsd(usage));
    }

    [Fact]
    public void Cached_tokens_beyond_the_prompt_never_make_a_negative_uncached_count()
    {
        var usage = new TokenUsage(10, 0) { CachedTokens = 25 };

        Assert.Equal(0, usage.UncachedPromptTokens);
        // Only the 10 prompt tokens there are are billed (GarbledUsageBillTests): 25 would pass the reservation.
        Assert.Equal(10 * 0.3m / 1_000_000m, Cached.CostUsd(usage));
    }

    /// <summary>
    /// The estimate is what the budget reserves before the call: with writes dearer than input tokens, it must cover a
    /// prompt written to the cache whole, and a plain or cached one all the more.
    /// </summary>
    [Theory]
    [InlineData(3.0, null, 30.0)]
    [InlineData(3.0, 0.3, 3.75)]
    [InlineData(3.0, 5.0, null)]
    [InlineData(3.0, null, null)]
    public void The_estimate_is_never_below_the_bill_of_any_split_of_the_prompt(double input, double? cached, double? write)
    {
        var model = new ModelDescriptor
        {
            Id = "m",
            Upstream = "u",
            InputPricePerMTok = (decimal)input,
            OutputPricePerMTok = 15m,
            CachedInputPricePerMTok = (decimal?)cached,
            CacheWritePricePerMTok = (decimal?)write,
        };

        decimal estimate = model.CostUsd(1000, 200);

        foreach (var (read, written) in new[] { (0, 0), (1000, 0), (0, 1000), (400, 600) })
        {
            var bill = model.CostUsd(new TokenUsage(1000, 200) { CachedTokens = read, CacheWriteTokens = written });
            Assert.True(estimate >= bill, $"estimate {estimate} < bill {bill} for {read} read, {written} written");
        }

        decimal dearest = Math.Max((decimal)input, Math.Max((decimal?)cached ?? (decimal)input, (decimal?)write ?? (decimal)input));
        Assert.Equal(((1000 * dearest) + (200 * 15m)) / 1_000_000m, estimate);
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
