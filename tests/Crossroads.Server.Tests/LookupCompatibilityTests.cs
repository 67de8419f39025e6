using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests;

/// <summary>One server with the hand-made table for read-only lookups; the tests here never update it.</summary>
public sealed class HandMadeTableFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public RoutingServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>GET /destination as a client of the Python service uses it: plain HTTP, read dst and nh.</summary>
public sealed class LookupCompatibilityTests(HandMadeTableFixture fixture) : IClassFixture<HandMadeTableFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Theory]
    // Only 1.0.167.0/24 contains it: the documented example answer.
    [InlineData("1.0.167.5", "1.0.167.0/24", "192.168.2.1")]
    // Inside 10/8 only; both /8 routes have metric MAX, so the lower next hop wins NUMERICALLY:
    // 192.168.9.1 < 192.168.10.1 (as strings "192.168.10.1" would sort first).
    [InlineData("10.9.9.9", "10.0.0.0/8", "192.168.9.1")]
    // Inside 10/8 and 10.1/16: the /16 is longer. Its next hops 192.168.1.1, 192.168.2.1, 172.16.0.1 tie on metric; 172.16.0.1 is lowest.
    [InlineData("10.1.9.9", "10.1.0.0/16", "172.16.0.1")]
    // Inside 10/8, 10.1/16, 10.1.2/24: the /24 wins; 172.16.0.1 < 192.168.3.1.
    [InlineData("10.1.2.3", "10.1.2.0/24", "172.16.0.1")]
    // The first and last addresses of a prefix belong to it.
    [InlineData("10.1.2.0", "10.1.2.0/24", "172.16.0.1")]
    [InlineData("10.1.2.255", "10.1.2.0/24", "172.16.0.1")]
    [InlineData("10.255.255.255", "10.0.0.0/8", "192.168.9.1")]
    // IPv6: only 2001:db8::/32 contains it; fe80::9 < fe80::10 numerically (string order says the opposite).
    [InlineData("2001:db8:5::1", "2001:db8::/32", "fe80::9")]
    // /32, /48 and /64 contain it: the /64 wins.
    [InlineData("2001:db8:1:2::5", "2001:db8:1:2::/64", "fe80::1")]
    // /32 and /48 contain it (not the /64 2001:db8:1:2::).
    [InlineData("2001:db8:1:3::1", "2001:db8:1::/48", "fe80::1")]
    // Non-canonical IPv6 text is accepted (upper case, leading zeros in hextets, no compression).
    [InlineData("2001:DB8:0001:0002:0000:0000:0000:0005", "2001:db8:1:2::/64", "fe80::1")]
    public async Task Address_resolves_to_longest_prefix_then_lowest_metric_then_lowest_next_hop(string ip, string dst, string nh) =>
        Api.AssertRoute(await Api.LookupAsync(Client, ip), dst, nh);

    [Theory]
    // A CIDR with host bits clear looks up its network address: 10.1.2.0 → the /24.
    [InlineData("10.1.2.0/24", "10.1.2.0/24", "172.16.0.1")]
    [InlineData("10.1.2.0%2F24", "10.1.2.0/24", "172.16.0.1")]
    [InlineData("10.1.2.0%2f24", "10.1.2.0/24", "172.16.0.1")]
    // 10.0.0.0 is in 10/8 only (10.1/16 starts at 10.1.0.0).
    [InlineData("10.0.0.0/8", "10.0.0.0/8", "192.168.9.1")]
    [InlineData("10.0.0.0%2F8", "10.0.0.0/8", "192.168.9.1")]
    // A broader CIDR still looks up its network address: 10.1.0.0/16's network 10.1.0.0 → the /16 route.
    [InlineData("10.1.0.0/16", "10.1.0.0/16", "172.16.0.1")]
    // 10.1.2.0/23 has network 10.1.2.0: the /24 contains that address, so the /24 answers.
    [InlineData("10.1.2.0/23", "10.1.2.0/24", "172.16.0.1")]
    // A /32 is just the address.
    [InlineData("10.1.2.7/32", "10.1.2.0/24", "172.16.0.1")]
    // Python's ip_network accepts a netmask: 10.0.0.0/255.0.0.0 is 10.0.0.0/8.
    [InlineData("10.0.0.0/255.0.0.0", "10.0.0.0/8", "192.168.9.1")]
    // IPv6 CIDRs, raw and encoded.
    [InlineData("2001:db8:1::/48", "2001:db8:1::/48", "fe80::1")]
    [InlineData("2001:db8:1:2::%2F64", "2001:db8:1:2::/64", "fe80::1")]
    public async Task Cidr_with_host_bits_clear_looks_up_its_network_address(string ip, string dst, string nh) =>
        Api.AssertRoute(await Api.LookupAsync(Client, ip), dst, nh);

    [Theory]
    // IPv4-mapped IPv6 is IPv6: there is no IPv6 route covering ::ffff:0:0/96, so no match, even though 10/8 exists.
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:a00:1")]
    [InlineData("::ffff:10.1.2.3")]
    // Outside every IPv4 prefix (no default route).
    [InlineData("11.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("1.0.168.0")]
    // Outside every IPv6 prefix.
    [InlineData("2001:db9::1")]
    [InlineData("::")]
    [InlineData("::1")]
    // A CIDR whose network is not covered.
    [InlineData("192.0.2.0%2F24")]
    public async Task Address_without_route_is_404_problem(string ip)
    {
        var answer = await Api.LookupAsync(Client, ip);
        var problem = Api.AssertProblem(answer, 404);
        Assert.Equal("https://crossroads.dev/problems/not-found", problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3.04")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.-1")]
    [InlineData("1.2.3.4/33")]
    [InlineData("1.2.3.4%2F33")]
    [InlineData("1.2.3.4/-1")]
    [InlineData("1.2.3.4/")]
    [InlineData("1.2.3.4/abc")]
    [InlineData("::g")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1::2::3")]
    [InlineData("2001:db8::/129")]
    [InlineData("%20")]
    [InlineData("%20%20")]
    [InlineData("1.2.3.4%20")]
    [InlineData("%201.2.3.4")]
    [InlineData("0x0a.0.0.1")]
    [InlineData("10.1")]
    [InlineData("10")]
    // Host bits set in a CIDR: Python's strict ip_network rejects these.
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.1%2F8")]
    [InlineData("10.1.2.3/24")]
    [InlineData("2001:db8::1/32")]
    [InlineData("2001:db8::1%2F32")]
    public async Task Anything_not_an_address_or_clean_cidr_is_400_problem(string ip)
    {
        var answer = await Api.LookupAsync(Client, ip);
        var problem = Api.AssertProblem(answer, 400);
        Assert.Equal("https://crossroads.dev/problems/bad-request", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Empty_address_is_a_client_error_problem_not_a_route()
    {
        // "/destination/" carries no address at all: 400 (not an IP) or 404 (no such endpoint) are both client errors.
        var answer = await Api.GetAsync(Client, "/destination/");
        Assert.True(answer.Code is 400 or 404, answer.ToString());
        Api.AssertProblem(answer, answer.Code);
    }

    [Fact]
    public async Task Health_reports_healthy_with_routes_loaded()
    {
        var answer = await Api.GetAsync(Client, "/health");
        Assert.Equal(200, answer.Code);
        Assert.Equal("healthy", answer.Json.GetProperty("status").GetString());
        Assert.Equal(HandMadeTable.RouteCount, answer.Json.GetProperty("routes_loaded").GetInt32());

        Assert.Equal(200, (await Api.GetAsync(Client, "/health/live")).Code);
        Assert.Equal(200, (await Api.GetAsync(Client, "/health/ready")).Code);
    }

    [Fact]
    public async Task Root_redirects_to_docs_and_openapi_describes_the_api()
    {
        var root = await Api.GetAsync(Client, "/");
        Assert.True(root.Code is >= 300 and < 400, root.ToString());
        Assert.Equal("/docs", root.Response.Headers.Location?.OriginalString);

        var docs = await Api.GetAsync(Client, "/docs/index.html");
        Assert.Equal(200, docs.Code);

        var openApi = await Api.GetAsync(Client, "/openapi/v1.json");
        Assert.Equal(200, openApi.Code);
        var paths = openApi.Json.GetProperty("paths");
        Assert.True(paths.EnumerateObject().Any(p => p.Name.StartsWith("/destination/", StringComparison.Ordinal)), openApi.Body);
        Assert.True(paths.EnumerateObject().Any(p => p.Name.StartsWith("/prefix/", StringComparison.Ordinal)), openApi.Body);
    }

    [Fact]
    public async Task Unknown_endpoint_and_wrong_method_are_problems()
    {
        Api.AssertProblem(await Api.GetAsync(Client, "/no/such/endpoint"), 404);
        Api.AssertProblem(await Api.SendAsync(Client, HttpMethod.Post, "/destination/10.0.0.1", "{}"), 405);
        Api.AssertProblem(await Api.SendAsync(Client, HttpMethod.Delete, "/prefix/10.0.0.0%2F8/nh/192.168.9.1/metric/5", null), 405);
    }
}
