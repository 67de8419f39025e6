using System.Net;
using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Hosting.Tests;

/// <summary>Budgets are tiny and refill once per 1000 s, so the outcome does not depend on timing.</summary>
public sealed class RateLimitTests
{
    private static readonly string[] TinyBudgets =
    [
        "--RateLimits:Reads:PermitsPerSecond=0.001",
        "--RateLimits:Reads:Burst=2",
        "--RateLimits:Writes:PermitsPerSecond=0.001",
        "--RateLimits:Writes:Burst=1",
    ];

    [Fact]
    public async Task Reads_past_the_burst_get_429_problem_with_integer_Retry_After()
    {
        await using var server = await ChassisServer.StartAsync(TinyBudgets);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await server.Client.GetAsync("/items");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await server.Client.GetAsync("/items");
        var problem = await Problem.AssertShapeAsync(limited, 429, "too-many-requests");
        Assert.Contains("read rate limit", problem.GetProperty("detail").GetString());
        var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds >= 1, $"Retry-After was '{retryAfter}'");
    }

    [Fact]
    public async Task A_429_written_directly_has_the_members_in_the_order_of_a_problem_from_the_problem_service()
    {
        await using var server = await ChassisServer.StartAsync(TinyBudgets);
        using var traced = new HttpRequestMessage(HttpMethod.Get, "/problem");
        traced.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var viaService = await server.Client.SendAsync(traced);
        for (var i = 0; i < 2; i++)
        {
            using var _ = await server.Client.GetAsync("/items");
        }

        using var direct = new HttpRequestMessage(HttpMethod.Get, "/items");
        direct.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var limited = await server.Client.SendAsync(direct);
        Assert.Equal(429, (int)limited.StatusCode);
        var serviceMembers = System.Text.Json.JsonDocument.Parse(await viaService.Content.ReadAsStringAsync()).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        var limitedBody = System.Text.Json.JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(serviceMembers, limitedBody.EnumerateObject().Select(p => p.Name).ToList());
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", limitedBody.GetProperty("traceId").GetString());
        Assert.Equal(limited.Content.Headers.ContentLength, (await limited.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task A_429_for_a_path_that_needs_escaping_is_valid_json_with_the_path_as_instance()
    {
        await using var server = await ChassisServer.StartAsync(TinyBudgets);
        const string Path = "/caf%C3%A9/%22quoted%22"; // no endpoint: the chassis' own read budget
        for (var i = 0; i < 2; i++)
        {
            using var notFound = await server.Client.GetAsync(Path);
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        }

        using var limited = await server.Client.GetAsync(Path);
        var problem = await Problem.AssertShapeAsync(limited, 429, "too-many-requests");
        Assert.Equal("/caf\u00e9/\"quoted\"", problem.GetProperty("instance").GetString());
        Assert.Equal(limited.Content.Headers.ContentLength, (await limited.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task An_OnRejected_configured_around_the_chassis_one_is_still_called()
    {
        await using var server = await ChassisServer.StartAsync(TinyBudgets, configure: builder => builder.Services.PostConfigure<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>(options =>
        {
            var chassis = options.OnRejected!;
            options.OnRejected = (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers["X-Wrapped"] = "yes";
                return chassis(rejected, cancellationToken);
            };
        }));
        await SpendReadBudgetAsync(server);
        using var limited = await server.Client.GetAsync("/items");
        await Problem.AssertShapeAsync(limited, 429, "too-many-requests");
        Assert.Equal("yes", Assert.Single(limited.Headers.GetValues("X-Wrapped")));
        Assert.Single(limited.Headers.GetValues("Retry-After"));
    }

    [Fact]
    public async Task Writes_have_their_own_budget()
    {
        await using var server = await ChassisServer.StartAsync(TinyBudgets);
        using (var first = await server.Client.PostAsync("/items", null))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var second = await server.Client.PostAsync("/items", null))
        {
            var problem = await Problem.AssertShapeAsync(second, 429, "too-many-requests");
            Assert.Contains("write rate limit", problem.GetProperty("detail").GetString());
        }

        using var read = await server.Client.GetAsync("/items");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Probes_and_metrics_are_exempt_when_the_budget_is_spent()
    {
        await using var server = await ChassisServer.StartAsync(TinyBudgets);
        await SpendReadBudgetAsync(server);

        for (var i = 0; i < 5; i++)
        {
            foreach (var path in new[] { "/livez", "/readyz", "/startupz", "/metrics" })
            {
                using var response = await server.Client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task An_endpoint_that_disables_rate_limiting_is_exempt_when_the_budget_is_spent()
    {
        await using var server = await ChassisServer.StartAsync(TinyBudgets);
        await SpendReadBudgetAsync(server);

        for (var i = 0; i < 5; i++)
        {
            using var response = await server.Client.GetAsync("/unlimited");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Disabled_limits_never_reject()
    {
        await using var server = await ChassisServer.StartAsync([.. TinyBudgets, "--RateLimits:Enabled=false"]);
        for (var i = 0; i < 10; i++)
        {
            using var response = await server.Client.GetAsync("/items");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [InlineData(1000, 100, 100)]
    [InlineData(10, 100, 1)]
    [InlineData(2, 500, 1)]
    [InlineData(0.5, 2000, 1)]
    [InlineData(15, 200, 3)]
    [InlineData(25, 200, 5)]
    [InlineData(14, 500, 7)]
    [InlineData(2.5, 400, 1)]
    public void Rates_map_to_token_buckets(double permitsPerSecond, int periodMs, int tokensPerPeriod)
    {
        var options = RateLimiting.RateLimiterSetup.ToLimiterOptions(new TokenBucketSettings { PermitsPerSecond = permitsPerSecond, Burst = 7 });
        Assert.Equal(TimeSpan.FromMilliseconds(periodMs), options.ReplenishmentPeriod);
        Assert.Equal(tokensPerPeriod, options.TokensPerPeriod);
        Assert.Equal(7, options.TokenLimit);
        Assert.Equal(0, options.QueueLimit);
    }

    /// <summary>
    /// The bucket refills at TokensPerPeriod / ReplenishmentPeriod (fractions carried), so that ratio must be the
    /// configured rate; rounding to whole tokens per 100 ms made 15/s into 20/s and 14/s into 10/s.
    /// </summary>
    [Fact]
    public void Every_configured_rate_is_honoured()
    {
        var rates = new List<double> { 0.001, 0.3, 0.5, 1, 1.7, 3, 7, 13, 14, 15, 25, 33.3, 99, 123.45, 1000, 1234.567, 9999, 10_000_000 };
        for (var i = 1; i <= 2000; i++)
        {
            rates.Add(i);
            rates.Add(i / 10.0);
            rates.Add(i / 7.0);
        }

        foreach (var rate in rates)
        {
            var options = RateLimiting.RateLimiterSetup.ToLimiterOptions(new TokenBucketSettings { PermitsPerSecond = rate, Burst = 1 });
            var actual = options.TokensPerPeriod / options.ReplenishmentPeriod.TotalSeconds;
            Assert.True(Math.Abs(actual - rate) <= 1e-5 * rate, $"{rate}/s became {options.TokensPerPeriod} per {options.ReplenishmentPeriod} = {actual}/s");
            Assert.True(options.TokensPerPeriod >= 1);
            if (rate >= 1)
            {
                Assert.True(options.ReplenishmentPeriod <= TimeSpan.FromSeconds(1), $"{rate}/s refills every {options.ReplenishmentPeriod}");
            }
        }
    }

    [Fact]
    public async Task Anonymous_IPv6_clients_share_the_read_budget_of_their_64()
    {
        await using var server = await ChassisServer.StartAsync(["--Proxy:KnownNetworks:0=127.0.0.0/8", "--RateLimits:Reads:PermitsPerSecond=0.001", "--RateLimits:Reads:Burst=1"]);

        async Task<HttpStatusCode> ReadAs(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/items");
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await server.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await ReadAs("2001:db8:7:8::1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ReadAs("2001:db8:7:8:aaaa::2"));
        Assert.Equal(HttpStatusCode.OK, await ReadAs("2001:db8:7:9::1"));
    }

    // Spends TinyBudgets' read budget on /items, and checks that the next read is refused.
    private static async Task SpendReadBudgetAsync(ChassisServer server)
    {
        for (var i = 0; i < 3; i++)
        {
            using var _ = await server.Client.GetAsync("/items");
        }

        using var limited = await server.Client.GetAsync("/items");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }
}
