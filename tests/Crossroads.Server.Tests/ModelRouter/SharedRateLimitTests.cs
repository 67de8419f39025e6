using System.Net;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>A key's rpm shared by two server replicas on one PostgreSQL database (and, as the control, not shared when turned off).</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class SharedRateLimitTests(PostgresServer postgres)
{
    [PostgresFact]
    public async Task Requests_admitted_by_one_replica_count_against_the_key_s_rpm_on_the_other()
    {
        var (a, b, upstream) = await TwoReplicasAsync("auto");
        await using var _ = upstream;
        await using var __ = a;
        await using var ___ = b;
        using var clientA = a.ClientWithKey("secret-ci");
        using var clientB = b.ClientWithKey("secret-ci");

        for (int i = 0; i < 4; i++)
        {
            using var ok = await Json.PostAsync(clientA, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // B hears of A's four within a few exchanges (SyncMs=50), and then has nothing left for the key.
        await WaitForRemainingAsync(clientB, 0);
        using var refused = await Json.PostAsync(clientB, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("0", Json.Header(refused, "x-ratelimit-remaining-requests"));
        Assert.Equal(4, upstream.Calls("cheap"));

        string metrics = await b.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(@"(?m)^model_router_rate_limit_replicas(\{[^}]*\})? 2$", metrics);
    }

    [PostgresFact]
    public async Task With_sharing_off_each_replica_limits_on_its_own()
    {
        var (a, b, upstream) = await TwoReplicasAsync("off");
        await using var _ = upstream;
        await using var __ = a;
        await using var ___ = b;
        using var clientA = a.ClientWithKey("secret-ci");
        using var clientB = b.ClientWithKey("secret-ci");
        for (int i = 0; i < 4; i++)
        {
            using var ok = await Json.PostAsync(clientA, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await Task.Delay(300); // six exchange intervals, had there been any
        using var admitted = await Json.PostAsync(clientB, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal("3", Json.Header(admitted, "x-ratelimit-remaining-requests"));
    }

    [PostgresFact]
    public async Task While_postgresql_is_down_each_replica_limits_alone_and_the_usage_is_exchanged_when_it_is_back()
    {
        var (a, b, upstream) = await TwoReplicasAsync("auto");
        await using var _ = upstream;
        await using var __ = a;
        await using var ___ = b;
        using var clientA = a.ClientWithKey("secret-ci");
        using var clientB = b.ClientWithKey("secret-ci");

        await postgres.StopAsync();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                using var ok = await Json.PostAsync(clientA, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // admission never waits for the database
            }

            for (var deadline = DateTime.UtcNow.AddSeconds(10); await SyncFailuresAsync(a) == 0; await Task.Delay(20))
            {
                Assert.True(DateTime.UtcNow < deadline, "no failed exchange was counted while PostgreSQL was down");
            }

            Assert.Equal(4, (await Json.GetAsync(clientB, "/v1/key")).GetProperty("data").GetProperty("rate_limit").GetProperty("remaining_requests").GetInt64());
        }
        finally
        {
            await postgres.StartAgainAsync();
        }

        await WaitForRemainingAsync(clientB, 2); // A's two from the outage reach B at the first exchange after it
    }

    private static async Task<long> SyncFailuresAsync(ModelRouterServer server)
    {
        string metrics = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var match = System.Text.RegularExpressions.Regex.Match(metrics, @"(?m)^model_router_rate_limit_sync_failures_total(\{[^}]*\})? (\d+)$");
        return match.Success ? long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private async Task<(ModelRouterServer A, ModelRouterServer B, FakeUpstream Upstream)> TwoReplicasAsync(string mode)
    {
        string database = await postgres.CreateDatabaseAsync();
        var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        string[] config = ModelRouterServer.TwoModels(
            upstream.BaseUrl,
            [.. ModelRouterServer.ApiKey(0, "ci"), "--ModelRouter:Keys:0:Name=ci", "--ModelRouter:Keys:0:Rpm=4",
             "--ModelRouter:SharedRateLimits:Mode=" + mode, "--ModelRouter:SharedRateLimits:SyncMs=50", "--ConnectionStrings:Crossroads=" + database]);
        var a = await ModelRouterServer.StartAsync(config);
        var b = await ModelRouterServer.StartAsync(config);
        return (a, b, upstream);
    }

    private static async Task WaitForRemainingAsync(HttpClient client, long expected)
    {
        long remaining = -1;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            remaining = (await Json.GetAsync(client, "/v1/key")).GetProperty("data").GetProperty("rate_limit").GetProperty("remaining_requests").GetInt64();
            if (remaining == expected)
            {
                return;
            }
        }

        Assert.Fail($"remaining_requests stayed {remaining}, expected {expected}");
    }
}
