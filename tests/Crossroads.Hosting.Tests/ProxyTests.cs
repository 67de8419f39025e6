using System.Net;
using Crossroads.Hosting.Tests.Infrastructure;

namespace Crossroads.Hosting.Tests;

/// <summary>X-Forwarded-For names the client only when it comes from a trusted proxy.</summary>
public sealed class ProxyTests
{
    private static HttpRequestMessage WriteFrom(string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/items");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Fact]
    public async Task Without_trusted_proxies_X_Forwarded_For_is_ignored()
    {
        // No keys: loopback writes are allowed, and the header must not make the test client look remote.
        await using var server = await ChassisServer.StartAsync([]);
        using var response = await server.Client.SendAsync(WriteFrom("203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task From_a_trusted_proxy_the_forwarded_client_is_the_client()
    {
        // The test client connects from loopback, which is now a trusted proxy forwarding for a remote client:
        // the loopback-only write rule must judge 203.0.113.7 and refuse.
        await using var server = await ChassisServer.StartAsync(["--Proxy:KnownNetworks:0=127.0.0.0/8", "--Proxy:KnownProxies:0=::1"]);
        using var response = await server.Client.SendAsync(WriteFrom("203.0.113.7"));
        var problem = await Problem.AssertShapeAsync(response, 403, "forbidden");
        Assert.Contains("loopback", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task From_a_trusted_proxy_rate_limits_are_per_forwarded_client()
    {
        // One read permit per client: two different forwarded clients each get theirs, the same one twice does not.
        await using var server = await ChassisServer.StartAsync(
        [
            "--Proxy:KnownNetworks:0=127.0.0.0/8",
            "--RateLimits:Reads:PermitsPerSecond=0.01",
            "--RateLimits:Reads:Burst=1",
        ]);

        async Task<HttpStatusCode> ReadAs(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/items");
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await server.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await ReadAs("198.51.100.1"));
        Assert.Equal(HttpStatusCode.OK, await ReadAs("198.51.100.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ReadAs("198.51.100.1"));
    }
}
