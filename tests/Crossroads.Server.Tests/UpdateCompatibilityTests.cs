using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests;

/// <summary>PUT /prefix/... as a client of the Python service uses it; each test gets its own server and journal.</summary>
public sealed class UpdateCompatibilityTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private Task<RoutingServer> StartAsync(params string[] extra) => RoutingServer.StartAsync(_directory, HandMadeTable.Routes, extra);

    [Fact]
    public async Task Lower_metric_beats_lower_next_hop_but_not_a_longer_prefix()
    {
        await using var server = await StartAsync();
        var client = server.Client;

        // 10/8 via 192.168.9.1 and 192.168.10.1 both at MAX: .9.1 wins on next hop. Give .10.1 metric 100.
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "192.168.10.1", 100, "exact"), 1);
        Api.AssertRoute(await Api.LookupAsync(client, "10.9.9.9"), "10.0.0.0/8", "192.168.10.1");

        // Equal metrics again (100 and 100): back to the numerically lower next hop.
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "192.168.9.1", 100, "exact"), 1);
        Api.AssertRoute(await Api.LookupAsync(client, "10.9.9.9"), "10.0.0.0/8", "192.168.9.1");

        // Metric 1 on the /8 does not beat the longer /16 for an address inside the /16.
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "192.168.10.1", 1, "exact"), 1);
        Api.AssertRoute(await Api.LookupAsync(client, "10.1.9.9"), "10.1.0.0/16", "172.16.0.1");
        Api.AssertRoute(await Api.LookupAsync(client, "10.9.9.9"), "10.0.0.0/8", "192.168.10.1");

        // In the /16, 192.168.2.1 at metric 5 beats 172.16.0.1 and 192.168.1.1 at MAX.
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.1.0.0/16", "192.168.2.1", 5, "exact"), 1);
        Api.AssertRoute(await Api.LookupAsync(client, "10.1.9.9"), "10.1.0.0/16", "192.168.2.1");
        // The /24 is still longer for 10.1.2.3.
        Api.AssertRoute(await Api.LookupAsync(client, "10.1.2.3"), "10.1.2.0/24", "172.16.0.1");
    }

    [Fact]
    public async Task Orlonger_counts_every_route_inside_the_prefix_with_that_next_hop_and_exact_only_the_prefix()
    {
        await using var server = await StartAsync();
        var client = server.Client;

        // 172.16.0.1 is next hop of 10.1/16, 10.1.2/24 and 10.2/16: all three lie inside 10/8.
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "172.16.0.1", 7), 3);
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "172.16.0.1", 7, "orlonger"), 3);
        // Inside 10.1/16: the /16 itself and the /24.
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.1.0.0/16", "172.16.0.1", 8, "orlonger"), 2);
        // Exact: only the /16.
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.1.0.0/16", "172.16.0.1", 9, "exact"), 1);
        // 10/8 has no route via 172.16.0.1 itself: exact matches nothing.
        Api.AssertProblem(await Api.UpdateAsync(client, "10.0.0.0/8", "172.16.0.1", 7, "exact"), 404);
        // IPv6: fe80::1 is next hop of the /48 and the /64, both inside 2001:db8::/32.
        Api.AssertUpdated(await Api.UpdateAsync(client, "2001:db8::/32", "fe80::1", 3), 2);
        Api.AssertUpdated(await Api.UpdateAsync(client, "2001:db8:1:2::/64", "fe80::1", 3, "exact"), 1);
        // The whole IPv4 space: the three 172.16.0.1 routes again.
        Api.AssertUpdated(await Api.UpdateAsync(client, "0.0.0.0/0", "172.16.0.1", 11), 3);

        // Effect: in the /16 172.16.0.1 now has 9 while the others have MAX, so it still wins; in 10/8 nothing changed.
        Api.AssertRoute(await Api.LookupAsync(client, "10.1.9.9"), "10.1.0.0/16", "172.16.0.1");
        Api.AssertRoute(await Api.LookupAsync(client, "10.9.9.9"), "10.0.0.0/8", "192.168.9.1");
    }

    [Fact]
    public async Task Prefix_may_be_url_encoded_or_carry_a_raw_slash()
    {
        await using var server = await StartAsync();
        var client = server.Client;

        Api.AssertUpdated(await Api.PutAsync(client, "/prefix/10.1.0.0%2F16/nh/172.16.0.1/metric/10"), 2);
        Api.AssertUpdated(await Api.PutAsync(client, "/prefix/10.1.0.0%2f16/nh/172.16.0.1/metric/10/match/exact"), 1);
        Api.AssertUpdated(await Api.PutAsync(client, "/prefix/10.1.0.0/16/nh/172.16.0.1/metric/10"), 2);
        Api.AssertUpdated(await Api.PutAsync(client, "/prefix/10.1.0.0/16/nh/172.16.0.1/metric/10/match/orlonger"), 2);
        Api.AssertUpdated(await Api.PutAsync(client, "/prefix/10.1.0.0/16/nh/172.16.0.1/metric/10/match/exact"), 1);
        Api.AssertUpdated(await Api.PutAsync(client, "/prefix/2001:db8::/32/nh/fe80::1/metric/10"), 2);
        Api.AssertUpdated(await Api.PutAsync(client, "/prefix/2001%3Adb8%3A%3A%2F32/nh/fe80%3A%3A1/metric/10"), 2);
        // A prefix without a length is a /32 (Python's ip_network("10.1.2.0") is 10.1.2.0/32): no route has it.
        Api.AssertProblem(await Api.PutAsync(client, "/prefix/10.1.2.0/nh/172.16.0.1/metric/10/match/exact"), 404);
    }

    [Theory]
    // Unknown prefix: nothing inside 192.0.2.0/24.
    [InlineData("192.0.2.0/24", "172.16.0.1", null)]
    // Known prefix, unknown next hop.
    [InlineData("10.0.0.0/8", "203.0.113.1", null)]
    [InlineData("10.1.0.0/16", "192.168.3.1", "exact")]
    // A next hop of the other family never matches.
    [InlineData("10.0.0.0/8", "fe80::1", null)]
    [InlineData("2001:db8::/32", "172.16.0.1", null)]
    // A more specific prefix than any route: orlonger looks inside it only.
    [InlineData("10.1.2.128/25", "172.16.0.1", "orlonger")]
    public async Task Update_matching_nothing_is_404_problem_and_changes_nothing(string prefix, string nh, string? match)
    {
        await using var server = await StartAsync();
        Api.AssertProblem(await Api.UpdateAsync(server.Client, prefix, nh, 1, match), 404);
        Api.AssertRoute(await Api.LookupAsync(server.Client, "10.1.2.3"), "10.1.2.0/24", "172.16.0.1");
        Assert.Equal(0, (await Api.GetAsync(server.Client, "/health")).Json.GetProperty("table_version").GetInt64());
    }

    [Fact]
    public async Task Ipv4_mapped_address_matches_ipv6_routes_only()
    {
        // 10.0.0.0/8 (IPv4) and ::ffff:0:0/96 (IPv6, all mapped addresses) both "contain" 10.0.0.1 in some sense;
        // a mapped address is IPv6, so it resolves to the /96 and the plain IPv4 address to the /8.
        await using var server = await RoutingServer.StartAsync(_directory, "10.0.0.0/8;192.168.9.1\n::ffff:0:0/96;fe80::1\n");
        var mapped = await Api.LookupAsync(server.Client, "::ffff:10.0.0.1");
        Assert.True(mapped.Code == 200, mapped.ToString());
        Assert.Equal("fe80::1", mapped.Nh);
        Assert.NotEqual("10.0.0.0/8", mapped.Dst);
        Api.AssertRoute(await Api.LookupAsync(server.Client, "10.0.0.1"), "10.0.0.0/8", "192.168.9.1");
        // Updating the IPv4 prefix does not touch the mapped route, and vice versa.
        Api.AssertProblem(await Api.UpdateAsync(server.Client, "10.0.0.0/8", "fe80::1", 5), 404);
        Api.AssertUpdated(await Api.UpdateAsync(server.Client, "::/0", "fe80::1", 5), 1);
        Api.AssertUpdated(await Api.UpdateAsync(server.Client, "0.0.0.0/0", "192.168.9.1", 5), 1);
    }

    [Fact]
    public async Task Metric_bounds_follow_max_metric()
    {
        await using var server = await StartAsync("--MAX_METRIC", "100");
        var client = server.Client;

        // 1 and MAX_METRIC are valid.
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.2.0.0/16", "172.16.0.1", 1), 1);
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.2.0.0/16", "172.16.0.1", 100), 1);
        Assert.Equal(100, (await Api.GetAsync(client, "/health")).Json.GetProperty("max_metric").GetInt32());

        foreach (string metric in new[] { "0", "101", "32768", "-1", "1.5", "abc", "%2B5", "%205", "5%20", "99999999999", "1e2", "0x10" })
        {
            var answer = await Api.UpdateAsync(client, "10.2.0.0/16", "172.16.0.1", metric);
            var problem = Api.AssertProblem(answer, 400);
            Assert.Contains("metric", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Routes_load_with_max_metric_so_an_update_to_max_changes_no_winner()
    {
        await using var server = await StartAsync("--MAX_METRIC", "100");
        // Both /8 routes start at 100; setting .10.1 to 100 keeps the tie, and .9.1 still wins on next hop.
        Api.AssertUpdated(await Api.UpdateAsync(server.Client, "10.0.0.0/8", "192.168.10.1", 100, "exact"), 1);
        Api.AssertRoute(await Api.LookupAsync(server.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.9.1");
        // 99 beats the loaded 100.
        Api.AssertUpdated(await Api.UpdateAsync(server.Client, "10.0.0.0/8", "192.168.10.1", 99, "exact"), 1);
        Api.AssertRoute(await Api.LookupAsync(server.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.10.1");
    }

    [Theory]
    [InlineData("/prefix/abc/nh/172.16.0.1/metric/5", "prefix")]
    [InlineData("/prefix/10.0.0.1%2F8/nh/172.16.0.1/metric/5", "prefix")]
    [InlineData("/prefix/10.0.0.1/8/nh/172.16.0.1/metric/5", "prefix")]
    [InlineData("/prefix/10.0.0.0%2F33/nh/172.16.0.1/metric/5", "prefix")]
    [InlineData("/prefix/01.0.0.0%2F8/nh/172.16.0.1/metric/5", "prefix")]
    [InlineData("/prefix/2001:db8::1%2F32/nh/fe80::1/metric/5", "prefix")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/abc/metric/5", "next hop")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/1.2.3/metric/5", "next hop")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/192.168.009.1/metric/5", "next hop")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/::g/metric/5", "next hop")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/172.16.0.0%2F24/metric/5", "next hop")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/172.16.0.1/metric/5/match/longer", "match")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/172.16.0.1/metric/5/match/EXACT", "match")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/172.16.0.1/metric/5/match/%20exact", "match")]
    public async Task Bad_prefix_next_hop_or_match_type_is_400_problem_naming_the_field(string path, string field)
    {
        await using var server = await StartAsync();
        var problem = Api.AssertProblem(await Api.PutAsync(server.Client, path), 400);
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, (await Api.GetAsync(server.Client, "/health")).Json.GetProperty("table_version").GetInt64());
    }

    [Theory]
    [InlineData("/prefix/10.0.0.0%2F8/nh/172.16.0.1")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/172.16.0.1/metric")]
    [InlineData("/prefix/10.0.0.0%2F8/metric/5")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/172.16.0.1/metric/5/match")]
    [InlineData("/prefix/10.0.0.0%2F8/nh/172.16.0.1/metric/5/extra/x")]
    public async Task Update_path_of_the_wrong_shape_is_a_client_error_problem(string path)
    {
        await using var server = await StartAsync();
        var answer = await Api.PutAsync(server.Client, path);
        Assert.True(answer.Code is 400 or 404, answer.ToString());
        Api.AssertProblem(answer, answer.Code);
    }
}
