using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>The OpenAI SDK against the router, routed to an Anthropic (Messages API) upstream: mapping both ways, usage, finish reasons, fallbacks.</summary>
public sealed class AnthropicAdapterTests
{
    [Fact]
    public async Task Sdk_streaming_to_an_anthropic_upstream_gets_every_word_once_usage_and_stop()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.Text = "Bonjour from the Messages API";
        claude.PromptTokens = 21;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var answer = await StreamedAnswer.ReadAsync(server.Chat("claude").CompleteChatStreamingAsync(
            [new SystemChatMessage("Be brief."), new SystemChatMessage("Answer in English."), new UserChatMessage("hello"), new UserChatMessage("again")],
            new ChatCompletionOptions { Temperature = 0.3f }));

        Assert.Equal("Bonjour from the Messages API", answer.Text);
        Assert.Equal(ChatFinishReason.Stop, answer.Finish);
        Assert.Equal("claude", answer.Model);
        Assert.NotNull(answer.Usage);
        Assert.Equal(21, answer.Usage.InputTokenCount);
        Assert.Equal(5, answer.Usage.OutputTokenCount);

        // What went upstream: Anthropic's headers, the system prompt lifted out, turns merged, max_tokens always set.
        var headers = Assert.Single(upstream.Headers);
        Assert.Equal(ModelRouterServer.AnthropicKey, headers["x-api-key"]);
        Assert.Equal("2023-06-01", headers["anthropic-version"]);
        Assert.False(headers.ContainsKey("authorization"));
        using var body = JsonDocument.Parse(upstream.Bodies.Single());
        var root = body.RootElement;
        Assert.Equal("claude-fake", root.GetProperty("model").GetString());
        Assert.Equal("Be brief.\n\nAnswer in English.", root.GetProperty("system").GetString());
        Assert.Equal(1024, root.GetProperty("max_tokens").GetInt32()); // Routing:DefaultMaxOutputTokens
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.Equal(0.3, root.GetProperty("temperature").GetDouble(), 3);
        var turn = Assert.Single(root.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", turn.GetProperty("role").GetString());
        Assert.Equal("hello\n\nagain", turn.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Sdk_non_streaming_to_an_anthropic_upstream_maps_max_tokens_to_length_and_bills_its_usage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").Text = "one two three four five six seven";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var result = await server.Chat("claude").CompleteChatAsync([new UserChatMessage("count")], new ChatCompletionOptions { MaxOutputTokenCount = 4 });
        var completion = result.Value;

        Assert.Equal("one two three four", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal("claude", completion.Model);
        Assert.Equal(10, completion.Usage.InputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
        Assert.Contains("\"max_tokens\":4", upstream.Bodies.Single(), StringComparison.Ordinal);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-crossroads-decision-id", out var id));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + id);
        // 10 × $3/M + 4 × $15/M.
        Assert.Equal(0.00009m, decision.GetProperty("billed_usd").GetDecimal());
        Assert.False(decision.GetProperty("attempts")[0].GetProperty("usage_estimated").GetBoolean());
    }

    [Theory]
    [InlineData("refusal", "content_filter")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("tool_use", "tool_calls")]
    public async Task Stop_reasons_become_openai_finish_reasons(string stopReason, string finishReason)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").StopReason = stopReason;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi"));
        var body = await Json.ReadAsync(response);

        Assert.Equal(finishReason, body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task An_overloaded_529_falls_back_to_the_next_candidate_once()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").FailStatus = 529;
        upstream.Model("gpt").Text = "served by gpt";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi", stream: true, models: ["gpt"]));
        var events = Json.SseData(await response.Content.ReadAsStringAsync());

        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal("gpt", Json.Header(response, "x-crossroads-model"));
        Assert.Equal(1, upstream.Calls("claude-fake"));
        Assert.Equal(1, upstream.Calls("gpt"));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
        Assert.Equal(529, decision.GetProperty("attempts")[0].GetProperty("upstream_status").GetInt32());
        Assert.Equal("failed", decision.GetProperty("attempts")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task An_overloaded_error_event_before_any_text_falls_back_and_after_text_ends_the_stream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.ErrorAfterChunks = 0;
        upstream.Model("gpt").Text = "served by gpt";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using (var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi", models: ["gpt"])))
        {
            var body = await Json.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("served by gpt", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
            var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
            Assert.Contains("overloaded_error", decision.GetProperty("attempts")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        claude.ErrorAfterChunks = 2;
        using var streamed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("claude", "hi", stream: true, models: ["gpt"]));
        var raw = await streamed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("[DONE]", raw, StringComparison.Ordinal);
        Assert.Equal("upstream_failed_after_content", JsonDocument.Parse(Json.SseData(raw)[^1]).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, upstream.Calls("gpt"));
    }

    [Fact]
    public async Task A_client_that_goes_away_mid_stream_cancels_the_anthropic_request_at_once()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.Text = string.Join(' ', Enumerable.Range(1, 50).Select(static i => "w" + i));
        claude.InterTokenDelay = TimeSpan.FromMilliseconds(100);
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        string id;
        // A client that closes its connection when it drops the answer (HttpClient's default would drain it for 2 s first).
        using (var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.BaseAddress })
        {
            using var response = await Json.PostStreamAsync(client, Json.Chat("claude", "hi", stream: true));
            id = Json.Header(response, "x-crossroads-decision-id");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while ((await reader.ReadLineAsync())?.Contains("w2", StringComparison.Ordinal) == false)
            {
            }

            Assert.Equal(1, upstream.InFlight);
        }

        // The rest of the answer would take 4.8 s; the upstream request must end as soon as the client is gone.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (upstream.InFlight > 0 && clock.Elapsed < TimeSpan.FromSeconds(4))
        {
            await Task.Delay(20);
        }

        Assert.True(upstream.InFlight == 0 && clock.Elapsed < TimeSpan.FromSeconds(1.5), $"upstream still in flight after {clock.Elapsed}");
        JsonElement? decision = null;
        while (decision is null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            using var answer = await server.Client.GetAsync(new Uri("/v1/decisions/" + id, UriKind.Relative));
            decision = answer.IsSuccessStatusCode ? await Json.ReadAsync(answer) : null;
        }

        Assert.NotNull(decision);
        Assert.Equal("cancelled", decision.Value.GetProperty("outcome").GetString());
    }
}
