using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// The upstream's usage details reach the client and the bill: OpenAI's cached, reasoning and prediction counts,
/// Anthropic's cache reads and writes (as OpenAI's cached tokens, within <c>prompt_tokens</c>), the cache prices in
/// the billed cost, a reservation that covers an expensive cache write, Anthropic's <c>service_tier</c> in OpenAI's
/// names, and <c>annotations</c> relayed.
/// </summary>
public sealed class UsageDetailsTests
{
    private const string Citations = """[{"type":"url_citation","url_citation":{"start_index":0,"end_index":5,"url":"https://example.com/a?b=1&c=\u00e9","title":"A \"quoted\" title"}}]""";

    [Fact]
    public async Task Openai_details_appear_in_the_non_streamed_usage_and_the_decision()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var gpt = upstream.Model("gpt");
        gpt.PromptTokens = 40;
        gpt.CachedTokens = 32;
        gpt.ReasoningTokens = 3;
        gpt.AcceptedPredictionTokens = 2;
        gpt.RejectedPredictionTokens = 1;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("gpt", "hi"));
        var usage = (await Json.ReadAsync(response)).GetProperty("usage");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(40, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(32, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        var completion = usage.GetProperty("completion_tokens_details");
        Assert.Equal(3, completion.GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(2, completion.GetProperty("accepted_prediction_tokens").GetInt32());
        Assert.Equal(1, completion.GetProperty("rejected_prediction_tokens").GetInt32());
        var attempt = (await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"))).GetProperty("attempts")[0];
        Assert.Equal(32, attempt.GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, attempt.GetProperty("cache_write_tokens").GetInt32());
        Assert.Equal(3, attempt.GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task Openai_details_appear_in_the_streamed_usage_chunk_and_absent_ones_are_0()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var gpt = upstream.Model("gpt");
        gpt.CachedTokens = 8;
        gpt.ReasoningTokens = 5;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var detailed = await StreamedUsageAsync(server);
        gpt.CachedTokens = 0;
        gpt.ReasoningTokens = 0;
        var plain = await StreamedUsageAsync(server);

        Assert.Equal(8, detailed.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(5, detailed.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(0, plain.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, plain.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task The_openai_sdk_reads_the_cached_and_reasoning_counts_streamed_and_not()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var gpt = upstream.Model("gpt");
        gpt.PromptTokens = 50;
        gpt.CachedTokens = 48;
        gpt.ReasoningTokens = 7;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        var chat = server.Chat("gpt");

        var whole = (await chat.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("hi")])).Value.Usage;
        OpenAI.Chat.ChatTokenUsage? streamed = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new OpenAI.Chat.UserChatMessage("hi")]))
        {
            streamed = update.Usage ?? streamed;
        }

        Assert.Equal(50, whole.InputTokenCount);
        Assert.Equal(48, whole.InputTokenDetails.CachedTokenCount);
        Assert.Equal(7, whole.OutputTokenDetails.ReasoningTokenCount);
        Assert.NotNull(streamed);
        Assert.Equal(48, streamed.InputTokenDetails.CachedTokenCount);
        Assert.Equal(7, streamed.OutputTokenDetails.ReasoningTokenCount);
    }

    /// <summary>Anthropic counts cache reads and writes apart from <c>input_tokens</c>; OpenAI's <c>prompt_tokens</c> is all three, <c>cached_tokens</c> the reads.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Anthropic_cache_reads_are_cached_tokens_within_the_prompt_tokens_and_writes_are_recorded(bool stream)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.PromptTokens = 100;
        claude.CachedTokens = 60;
        claude.CacheWriteTokens = 30;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var (usage, decisionId) = stream ? await StreamedUsageWithIdAsync(server, "claude") : await WholeUsageAsync(server, "claude");

        Assert.Equal(100, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(60, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        var attempt = (await Json.GetAsync(server.Client, "/v1/decisions/" + decisionId)).GetProperty("attempts")[0];
        Assert.Equal(100, attempt.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(60, attempt.GetProperty("cached_tokens").GetInt32());
        Assert.Equal(30, attempt.GetProperty("cache_write_tokens").GetInt32());
    }

    /// <summary>
    /// Claude at $3 in, $15 out per MTok; with cache prices configured, reads at $0.30 and writes at $3.75. The
    /// expected bills are computed here from those numbers and the reported counts.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_bill_prices_cache_reads_and_writes_at_their_own_prices_or_the_input_price_without_them(bool cachePrices)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.Text = "one two three four";
        claude.PromptTokens = 1000;
        claude.CachedTokens = 600;
        claude.CacheWriteTokens = 300;
        string[] prices = cachePrices ? ["--ModelRouter:Models:0:CachedInputPricePerMTok=0.3", "--ModelRouter:Models:0:CacheWritePricePerMTok=3.75"] : [];
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, prices));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi"));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        decimal expected = cachePrices
            ? ((100 * 3m) + (600 * 0.3m) + (300 * 3.75m) + (4 * 15m)) / 1_000_000m
            : ((1000 * 3m) + (4 * 15m)) / 1_000_000m;
        Assert.Equal(expected, decision.GetProperty("attempts")[0].GetProperty("cost_usd").GetDecimal());
        Assert.Equal(expected, decision.GetProperty("billed_usd").GetDecimal());
    }

    [Fact]
    public async Task The_ask_final_line_carries_the_cached_and_reasoning_counts_and_the_cached_price()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var gpt = upstream.Model("gpt");
        gpt.Text = "a b";
        gpt.PromptTokens = 200;
        gpt.CachedTokens = 150;
        gpt.ReasoningTokens = 1;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Models:1:CachedInputPricePerMTok=0.25"));

        using var response = await Json.PostAsync(server.Client, "/v1/ask", new { prompt = "hi", model = "gpt" });
        var final = JsonDocument.Parse((await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

        Assert.Equal("final", final.GetProperty("type").GetString());
        Assert.Equal(150, final.GetProperty("tokens_cached").GetInt32());
        Assert.Equal(1, final.GetProperty("tokens_reasoning").GetInt32());
        // gpt: $1 in, $4 out per MTok, cache reads at $0.25.
        Assert.Equal(((50 * 1m) + (150 * 0.25m) + (2 * 4m)) / 1_000_000m, final.GetProperty("cost_usd").GetDecimal());
    }

    /// <summary>
    /// A cache write dearer than a plain input token: the reservation, made before anyone knows what will be written,
    /// must still cover a bill where every prompt token was a write. The fake reports exactly the prompt tokens the
    /// router counted, all written, and the answer fills <c>max_tokens</c>.
    /// </summary>
    [Fact]
    public async Task The_reservation_covers_a_bill_of_cache_writes_dearer_than_input_tokens()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.Text = "a b c";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Models:0:CacheWritePricePerMTok=30"));
        string prompt = string.Join(' ', Enumerable.Repeat("context", 400));
        using var probe = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", prompt, maxTokens: 3));
        int counted = (await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(probe, "x-crossroads-decision-id"))).GetProperty("input_tokens").GetInt32();
        claude.PromptTokens = counted;
        claude.CacheWriteTokens = counted;

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", prompt, maxTokens: 3));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));

        decimal billed = decision.GetProperty("billed_usd").GetDecimal();
        Assert.Equal(((counted * 30m) + (3 * 15m)) / 1_000_000m, billed);
        Assert.True(decision.GetProperty("reserved_usd").GetDecimal() >= billed, string.Create(CultureInfo.InvariantCulture, $"reserved {decision.GetProperty("reserved_usd")} < billed {billed}"));
    }

    [Theory]
    [InlineData("CachedInputPricePerMTok")]
    [InlineData("CacheWritePricePerMTok")]
    [InlineData("InputPricePerMTok")]
    public async Task A_negative_price_stops_the_start_naming_it(string price)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(new Uri("http://127.0.0.1:9/v1"), $"--ModelRouter:Models:1:{price}=-0.5")));

        Assert.Contains("ModelRouter:Models:1:" + price, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("standard", "default")]
    [InlineData("priority", "priority")]
    [InlineData("batch", "default")]
    [InlineData("something_new", "default")]
    public async Task Anthropic_s_service_tier_is_relayed_in_openai_s_names(string anthropic, string openAi)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").ServiceTier = anthropic;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var whole = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi")));
        using var streamed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi", stream: true));
        var chunks = Json.SseData(await streamed.Content.ReadAsStringAsync()).Where(static d => d != "[DONE]").Select(static d => JsonDocument.Parse(d).RootElement).ToList();

        Assert.Equal(openAi, whole.GetProperty("service_tier").GetString());
        Assert.All(chunks, c => Assert.Equal(openAi, c.GetProperty("service_tier").GetString()));
    }

    [Fact]
    public async Task Annotations_are_relayed_as_given_in_the_answer_and_as_a_streamed_delta()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt").Annotations = Citations;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var whole = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("gpt", "hi")));
        using var streamed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("gpt", "hi", stream: true));
        var deltas = Json.SseData(await streamed.Content.ReadAsStringAsync()).Where(static d => d != "[DONE]")
            .Select(static d => JsonDocument.Parse(d).RootElement)
            .Where(static c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(static c => c.GetProperty("choices")[0].GetProperty("delta"))
            .ToList();

        var expected = JsonDocument.Parse(Citations).RootElement;
        Assert.True(JsonElement.DeepEquals(expected, whole.GetProperty("choices")[0].GetProperty("message").GetProperty("annotations")));
        var carrying = Assert.Single(deltas, static d => d.TryGetProperty("annotations", out _));
        Assert.True(JsonElement.DeepEquals(expected, carrying.GetProperty("annotations")));
    }

    [Fact]
    public async Task Without_annotations_from_the_upstream_the_answer_has_an_empty_list_and_the_stream_none()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var whole = await Json.ReadAsync(await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("gpt", "hi")));
        using var streamed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("gpt", "hi", stream: true));
        var body = await streamed.Content.ReadAsStringAsync();

        Assert.Equal(0, whole.GetProperty("choices")[0].GetProperty("message").GetProperty("annotations").GetArrayLength());
        Assert.DoesNotContain("annotations", body, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> StreamedUsageAsync(ModelRouterServer server) => (await StreamedUsageWithIdAsync(server, "gpt")).Usage;

    private static async Task<(JsonElement Usage, string DecisionId)> StreamedUsageWithIdAsync(ModelRouterServer server, string model)
    {
        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat(model, "hi", stream: true));
        var last = Json.SseData(await response.Content.ReadAsStringAsync()).Where(static d => d != "[DONE]").Select(static d => JsonDocument.Parse(d).RootElement).Last();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (last.GetProperty("usage"), Json.Header(response, "x-crossroads-decision-id"));
    }

    private static async Task<(JsonElement Usage, string DecisionId)> WholeUsageAsync(ModelRouterServer server, string model)
    {
        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat(model, "hi"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await Json.ReadAsync(response)).GetProperty("usage"), Json.Header(response, "x-crossroads-decision-id"));
    }
}
