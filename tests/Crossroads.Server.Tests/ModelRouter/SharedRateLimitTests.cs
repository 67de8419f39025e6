using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>A key's rpm shared by two server replicas on one PostgreSQL database (and, as the control, not shared when turned off).</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class SharedRateLimitTests(PostgresServer postgres)
{
    [PostgresFact]
    public async Task Requests_admitted_by_one_replica_count_against_the_key_s_rpm_on_the_other()
    {
        await using var replicas = await TwoReplicasAsync("auto");
        await replicas.AdmitOnAAsync(4);

        // B hears of A's four within a few exchanges (SyncMs=50), and then has nothing left for the key.
        await WaitForRemainingAsync(replicas.ClientB, 0);
        using var refused = await Replicas.ChatAsync(replicas.ClientB);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("0", Json.Header(refused, "x-ratelimit-remaining-requests"));
        Assert.Equal(4, replicas.Upstream.Calls("cheap"));

        string metrics = await replicas.B.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(@"(?m)^model_router_rate_limit_replicas(\{[^}]*\})? 2$", metrics);
    }

    [PostgresFact]
    public async Task With_sharing_off_each_replica_limits_on_its_own()
    {
        await using var replicas = await TwoReplicasAsync("off");
        await replicas.AdmitOnAAsync(4);

        await Task.Delay(300); // six exchange intervals, had there been any
        using var admitted = await Replicas.ChatAsync(replicas.ClientB);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal("3", Json.Header(admitted, "x-ratelimit-remaining-requests"));
    }

    [PostgresFact]
    public async Task While_postgresql_is_down_each_replica_limits_alone_and_the_usage_is_exchanged_when_it_is_back()
    {
        await using var replicas = await TwoReplicasAsync("auto");

        await postgres.StopAsync();
        try
        {
            await replicas.AdmitOnAAsync(2); // admission never waits for the database
            for (var deadline = DateTime.UtcNow.AddSeconds(10); await SyncFailuresAsync(replicas.A) == 0; await Task.Delay(20))
            {
                Assert.True(DateTime.UtcNow < deadline, "no failed exchange was counted while PostgreSQL was down");
            }

            Assert.Equal(4, await RemainingAsync(replicas.ClientB));
        }
        finally
        {
            await postgres.StartAgainAsync();
        }

        await WaitForRemainingAsync(replicas.ClientB, 2); // A's two from the outage reach B at the first exchange after it
    }

    private static async Task<long> SyncFailuresAsync(ModelRouterServer server)
    {
        string metrics = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var match = Regex.Match(metrics, @"(?m)^model_router_rate_limit_sync_failures_total(\{[^}]*\})? (\d+)$");
        return match.Success ? long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
    }

    private async Task<Replicas> TwoReplicasAsync(string mode)
    {
        string database = await postgres.CreateDatabaseAsync();
        var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        string[] config = ModelRouterServer.TwoModels(
            upstream.BaseUrl,
            [.. ModelRouterServer.ApiKey(0, "ci"), "--ModelRouter:Keys:0:Name=ci", "--ModelRouter:Keys:0:Rpm=4",
             "--ModelRouter:SharedRateLimits:Mode=" + mode, "--ModelRouter:SharedRateLimits:SyncMs=50", "--ConnectionStrings:Crossroads=" + database]);
        return new Replicas(upstream, await ModelRouterServer.StartAsync(config), await ModelRouterServer.StartAsync(config));
    }

    private static async Task<long> RemainingAsync(HttpClient client) =>
        (await Json.GetAsync(client, "/v1/key")).GetProperty("data").GetProperty("rate_limit").GetProperty("remaining_requests").GetInt64();

    private static async Task WaitForRemainingAsync(HttpClient client, long expected)
    {
        long remaining = -1;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            remaining = await RemainingAsync(client);
            if (remaining == expected)
            {
                return;
            }
        }

        Assert.Fail($"remaining_requests stayed {remaining}, expected {expected}");
    }

    /// <summary>Two replicas on one fake upstream, each with a client presenting the key <c>ci</c>; disposes all of it.</summary>
    private sealed class Replicas(FakeUpstream upstream, ModelRouterServer a, ModelRouterServer b) : IAsyncDisposable
    {
        public FakeUpstream Upstream => upstream;

        public ModelRouterServer A => a;

        public ModelRouterServer B => b;

        public HttpClient ClientA { get; } = a.ClientWithKey("secret-ci");

        public HttpClient ClientB { get; } = b.ClientWithKey("secret-ci");

        public static Task<HttpResponseMessage> ChatAsync(HttpClient client) =>
            Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 20));

        /// <summary>Sends <paramref name="count"/> requests through A, each admitted.</summary>
        public async Task AdmitOnAAsync(int count)
        {
            for (int i = 0; i < count; i++)
            {
                using var ok = await ChatAsync(ClientA);
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }
        }

        public async ValueTask DisposeAsync()
        {
            ClientA.Dispose();
            ClientB.Dispose();
            await b.DisposeAsync();
            await a.DisposeAsync();
            await upstream.DisposeAsync();
        }
    }
}
