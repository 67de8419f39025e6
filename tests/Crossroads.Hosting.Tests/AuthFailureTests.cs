using System.Net;
using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Tests;

/// <summary>
/// Failed API-key attempts have a per-address budget checked before the key. Loopback is a trusted proxy here, so
/// <c>X-Forwarded-For</c> names distinct clients; the budget refills once per 1000 s, so outcomes do not depend on timing.
/// </summary>
public sealed class AuthFailureTests
{
    private const string AliceKey = "secret-alice";

    private static Task<ChassisServer> StartAsync(params string[] extra) => ChassisServer.StartAsync(
    [
        "--Auth:ApiKeys:0:Name=alice",
        "--Auth:ApiKeys:0:Sha256=" + ChassisServer.Sha256Hex(AliceKey),
        "--Proxy:KnownNetworks:0=127.0.0.0/8",
        "--RateLimits:AuthFailures:PermitsPerSecond=0.001",
        "--RateLimits:AuthFailures:Burst=3",
        .. extra,
    ]);

    private static async Task<HttpResponseMessage> WriteAsync(ChassisServer server, string client, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/items");
        request.Headers.Add("X-Forwarded-For", client);
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        return await server.Client.SendAsync(request);
    }

    private static async Task<HttpStatusCode> StatusAsync(ChassisServer server, string client, string? key)
    {
        using var response = await WriteAsync(server, client, key);
        return response.StatusCode;
    }

    [Fact]
    public async Task Wrong_keys_beyond_the_budget_get_429_with_Retry_After_and_other_clients_are_unaffected()
    {
        await using var server = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "198.51.100.1", "guess-" + i));
        }

        using (var limited = await WriteAsync(server, "198.51.100.1", "guess-3"))
        {
            var problem = await Problem.AssertShapeAsync(limited, 429, "too-many-requests");
            Assert.Contains("invalid API key", problem.GetProperty("detail").GetString());
            var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
            Assert.True(int.TryParse(retryAfter, out var seconds) && seconds >= 1, $"Retry-After was '{retryAfter}'");
        }

        // The key is not checked at all once the budget is spent: even the right one is refused.
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(server, "198.51.100.1", AliceKey));

        // Requests without a key are not guesses; they still get their 401.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(server, "198.51.100.1", null));

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "198.51.100.2", "guess"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, "198.51.100.3", AliceKey));
    }

    [Fact]
    public async Task IPv6_clients_share_the_budget_of_their_64()
    {
        await using var server = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "2001:db8:1:2::" + (i + 1), "guess"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(server, "2001:db8:1:2:ffff::9", "guess"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "2001:db8:1:3::1", "guess"));
    }

    [Fact]
    public async Task Only_one_warning_per_client_within_the_window_the_rest_at_Debug()
    {
        await using var server = await StartAsync("--RateLimits:AuthFailures:Burst=100");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "198.51.100.1", "guess"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "198.51.100.2", "guess"));
        }

        var unknownKey = server.Logs.Records.Where(r => r.EventId.Id == 1002).ToList();
        Assert.Equal(10, unknownKey.Count);
        var warnings = unknownKey.Where(r => r.Level == LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Single(warnings, r => r.Message.Contains("198.51.100.1", StringComparison.Ordinal));
        Assert.Single(warnings, r => r.Message.Contains("198.51.100.2", StringComparison.Ordinal));
        Assert.All(unknownKey.Except(warnings), r => Assert.Equal(LogLevel.Debug, r.Level));
    }

    [Fact]
    public async Task Disabled_rate_limits_do_not_budget_failures()
    {
        await using var server = await StartAsync("--RateLimits:Enabled=false", "--RateLimits:AuthFailures:Burst=1");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "198.51.100.1", "guess"));
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, "198.51.100.1", AliceKey));
    }

    [Fact]
    public async Task Failures_are_counted_by_reason_in_metrics()
    {
        await using (var server = await StartAsync())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(server, "198.51.100.1", null));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "198.51.100.1", "guess"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, "198.51.100.2", "guess"));
            var body = await server.Client.GetStringAsync("/metrics");
            Assert.Contains("# TYPE http_auth_failures_total counter\n", body);
            Assert.Contains("http_auth_failures_total{reason=\"missing_key\"} 1\n", body);
            Assert.Contains("http_auth_failures_total{reason=\"wrong_key\"} 2\n", body);
        }

        // Without keys, remote writes are refused as not loopback.
        await using var keyless = await ChassisServer.StartAsync(["--Proxy:KnownNetworks:0=127.0.0.0/8"]);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(keyless, "198.51.100.1", null));
        Assert.Contains("http_auth_failures_total{reason=\"not_loopback\"} 1\n", await keyless.Client.GetStringAsync("/metrics"));
    }
}
