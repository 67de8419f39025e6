using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Fallbacks happen before content, never after; client errors pass through.</summary>
public sealed class FallbackTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_503_before_content_or_a_reset_mid_body_of_a_non_streamed_answer_falls_back_once_and_bills_only_the_serving_attempt(bool midBody)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        if (midBody)
        {
            // Nothing reached the client yet: the three words already read are dropped, not prepended.
            cheap.Text = "a b c d e f g h i j";
            cheap.ResetAfterChunks = 3;
            cheap.InterTokenDelay = TimeSpan.FromMilliseconds(40);
        }
        else
        {
            cheap.FailStatus = 503;
        }

        upstream.Model("strong").Text = "served by strong";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", models: ["strong"]));
        var body = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("strong", body.GetProperty("model").GetString());
        Assert.Equal("served by strong", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("2", Json.Header(response, "x-crossroads-attempts"));
        Assert.Equal(1, upstream.Calls("cheap"));
        Assert.Equal(1, upstream.Calls("strong"));

        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
        var attempts = decision.GetProperty("attempts");
        Assert.Equal(midBody ? "failed_partial" : "failed", attempts[0].GetProperty("outcome").GetString());
        Assert.Equal(0m, attempts[0].GetProperty("cost_usd").GetDecimal());
        if (midBody)
        {
            // Recorded, not billed: the words the router read before the reset, up to the three sent. Not exactly three:
            // a reset discards what the router's socket had received and it had not read yet, which on a busy machine
            // can be the last word, 40 ms after it was sent.
            Assert.InRange(attempts[0].GetProperty("completion_tokens").GetInt32(), 1, 3);
        }
        else
        {
            Assert.Equal(503, attempts[0].GetProperty("upstream_status").GetInt32());
        }

        Assert.Equal("served", attempts[1].GetProperty("outcome").GetString());
        // strong: 10 prompt tokens at $10/M + 3 completion tokens at $30/M.
        Assert.Equal(0.00019m, decision.GetProperty("billed_usd").GetDecimal());
        Assert.Equal("completed", decision.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_hang_past_the_first_token_timeout_falls_back_without_duplicated_text()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.FirstTokenDelay = TimeSpan.FromSeconds(20);
        upstream.Model("strong").Text = "fast answer";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", stream: true, models: ["strong"]));
        var events = Json.SseData(await response.Content.ReadAsStringAsync());

        var text = string.Concat(events[..^1].Select(static e => JsonDocument.Parse(e).RootElement.GetProperty("choices"))
            .Where(static c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(static c => c[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("fast answer", text);
        Assert.Equal("[DONE]", events[^1]);
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
        Assert.Contains("no content within 1500 ms", decision.GetProperty("attempts")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reset_after_content_ends_the_stream_with_an_error_event_no_done_no_retry_and_bills_what_was_sent()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.Text = "a b c d e f g h i j";
        cheap.ResetAfterChunks = 5;
        // A reset drops whatever the receiver has not read yet: pace the words so the router has read them.
        cheap.InterTokenDelay = TimeSpan.FromMilliseconds(40);
        upstream.Model("strong");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", stream: true, models: ["strong"]));
        var body = await response.Content.ReadAsStringAsync();
        var events = Json.SseData(body);

        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var last = JsonDocument.Parse(events[^1]).RootElement;
        Assert.Equal("upstream_failed_after_content", last.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, upstream.Calls("strong"));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
        Assert.Equal("failed_after_content", decision.GetProperty("outcome").GetString());
        var attempt = decision.GetProperty("attempts")[0];
        // Billed is what reached the client: the words the router read before the reset (counted locally), which are the
        // five sent unless the reset discarded the last ones unread on a busy machine.
        int received = events[..^1].Select(static e => JsonDocument.Parse(e).RootElement.GetProperty("choices"))
            .Count(static c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 });
        Assert.InRange(received, 1, 5);
        Assert.Equal(received, attempt.GetProperty("completion_tokens").GetInt32());
        Assert.True(attempt.GetProperty("usage_estimated").GetBoolean());
        Assert.True(decision.GetProperty("billed_usd").GetDecimal() > 0);
    }

    [Fact]
    public async Task An_in_stream_error_after_content_is_not_retried_either()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var cheap = upstream.Model("cheap");
        cheap.ErrorAfterChunks = 2;
        upstream.Model("strong");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", stream: true, models: ["strong"]));
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        Assert.Contains("\"error\":", Json.SseData(body)[^1], StringComparison.Ordinal);
        Assert.Equal(0, upstream.Calls("strong"));
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_400_from_the_upstream_passes_through_without_fallback(string protocol)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        bool anthropic = protocol == "anthropic";
        var (model, fallback) = anthropic ? ("claude", "gpt") : ("cheap", "strong");
        upstream.Model(anthropic ? "claude-fake" : "cheap").FailStatus = 400;
        upstream.Model(fallback);
        await using var server = await ModelRouterServer.StartAsync(anthropic ? ModelRouterServer.AnthropicAndOpenAi(upstream) : ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat(model, "hi", models: [fallback]));
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("upstream_rejected", problem.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("fake failure 400", problem.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, upstream.Calls(fallback));
    }

    [Fact]
    public async Task When_every_attempt_fails_the_answer_is_502_naming_the_decision()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").FailStatus = 500;
        upstream.Model("strong").FailStatus = 502;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", models: ["strong"]));
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unavailable", problem.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("2", Json.Header(response, "x-crossroads-attempts"));
    }
}
