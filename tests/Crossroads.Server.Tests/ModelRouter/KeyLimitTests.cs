using System.Net;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Per-key rpm/tpm: 429 with Retry-After and OpenAI's x-ratelimit-* headers and error; tokens settle to usage.</summary>
public sealed class KeyLimitTests
{
    [Fact]
    public async Task Over_its_rpm_a_key_gets_429_with_retry_after_and_openai_s_rate_limit_headers_and_error()
    {
        await using var router = await KeyedRouter.StartAsync("--ModelRouter:Keys:0:Rpm=2");
        var (client, server, upstream) = (router.Client, router.Server, router.Upstream);

        for (int i = 0; i < 2; i++)
        {
            using var ok = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("2", Json.Header(ok, "x-ratelimit-limit-requests"));
            Assert.Equal((1 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), Json.Header(ok, "x-ratelimit-remaining-requests"));
        }

        using var refused = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        int retryAfter = int.Parse(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 29, 30); // one request every 30 s at 2 per minute
        Assert.Equal("2", Json.Header(refused, "x-ratelimit-limit-requests"));
        Assert.Equal("0", Json.Header(refused, "x-ratelimit-remaining-requests"));
        Assert.EndsWith("s", Json.Header(refused, "x-ratelimit-reset-requests"), StringComparison.Ordinal);
        var body = await Json.ReadAsync(refused);
        Assert.Equal(429, body.GetProperty("status").GetInt32());
        Assert.Equal("rate_limit_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("rate_limit_exceeded", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("requests per minute", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, upstream.Calls("cheap"));

        // Another key (here: no key at all, the anonymous key) is not limited by ci's budget.
        using var other = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.False(other.Headers.Contains("x-ratelimit-limit-requests"));
    }

    [Fact]
    public async Task The_openai_sdk_retries_a_429_after_retry_after_ms_and_then_succeeds()
    {
        // 30 per minute: once the burst is spent, the next request is allowed within 2 s, which the SDK's retry can wait
        // for. The burst runs until the first 429 rather than for exactly 30 requests: on a loaded machine 30 requests
        // take long enough for the bucket to refill one, and the SDK's request would then be admitted at once.
        await using var router = await KeyedRouter.StartAsync("--ModelRouter:Keys:0:Rpm=30");
        var (client, server) = (router.Client, router.Server);
        int requests = 0;
        for (HttpStatusCode status = HttpStatusCode.OK; status == HttpStatusCode.OK; requests++)
        {
            using var burst = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
            status = burst.StatusCode;
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, status.ToString());
            Assert.True(requests < 60, "the key's rpm never refused");
        }

        Assert.InRange(requests, 31, 60); // the minute's 30 (and any that refilled meanwhile), then the 429

        using var sent = new RequestCounter();
        ChatCompletion answer = await server.Chat("cheap", "secret-ci", sent).CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 20 });

        Assert.Equal("cheap", answer.Model);
        Assert.Equal([429, 200], sent.Statuses); // the SDK honoured the 429 and retried once
    }

    [Fact]
    public async Task Tpm_admits_prompt_plus_max_tokens_and_settles_to_the_usage_the_upstream_reported()
    {
        await using var router = await KeyedRouter.StartAsync("--ModelRouter:Keys:0:Tpm=300");
        var (client, cheap) = (router.Client, router.Cheap);
        cheap.Text = "Short answer."; // 2 completion tokens + 10 prompt tokens: each request settles to 12

        // "hi" is 8 prompt tokens: each request is admitted at 8 + 100 = 108. Without settling, the third would not fit.
        for (int i = 0; i < 5; i++)
        {
            using var ok = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 100));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("300", Json.Header(ok, "x-ratelimit-limit-tokens"));
        }

        // Now answers that use all 100 output tokens: 110 each.
        cheap.Text = string.Join(' ', Enumerable.Repeat("word", 200));
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (int i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 100));
            statuses.Add(last.StatusCode);
        }

        using (last)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
            Assert.Contains(HttpStatusCode.OK, statuses);
            Assert.InRange(int.Parse(Json.Header(last!, "x-ratelimit-remaining-tokens"), System.Globalization.CultureInfo.InvariantCulture), 0, 107);
            Assert.Contains("tokens per minute", (await Json.ReadAsync(last!)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // A request that can never fit (prompt + max_tokens over the whole minute) is told so.
        using var tooLarge = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 400));
        Assert.Equal(HttpStatusCode.TooManyRequests, tooLarge.StatusCode);
        Assert.Contains("Request too large", (await Json.ReadAsync(tooLarge)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_pinned_to_a_tenant_bills_that_tenant_whatever_header_it_sends()
    {
        await using var router = await KeyedRouter.StartAsync("--ModelRouter:Tenants:0:Id=acme", "--ModelRouter:Keys:0:Tenant=acme");
        var (client, server) = (router.Client, router.Server);
        client.DefaultRequestHeaders.Add("X-Crossroads-Tenant", "someone-else");
        using var ok = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(ok, "x-crossroads-decision-id"));
        Assert.Equal("acme", decision.GetProperty("tenant").GetString());
    }
}
