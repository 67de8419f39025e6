using System.Globalization;
using System.Text.Json;
using Crossroads.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Crossroads.Server.Tests;

/// <summary>POST /destinations, GET /destination/{ip}/explain and GET /routes against the reference model.</summary>
public sealed class BatchExplainListingTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 4242;
    private const int MaxMetric = 20;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>A random table with a random metric on about a third of its routes, applied through PUT exact.</summary>
    private async Task<(RoutingServer Server, ReferenceTable Reference, Random Random)> StartAsync(params string[] extra)
    {
        output.WriteLine($"seed {Seed}");
        var random = new Random(Seed);
        var reference = RandomTable.Create(random, 150, MaxMetric);
        var server = await RoutingServer.StartAsync(_directory, reference.ToFileText(), ["--MAX_METRIC", MaxMetric.ToString(CultureInfo.InvariantCulture), .. extra]);
        foreach (var route in reference.Routes.Where(_ => random.Next(3) == 0).ToList())
        {
            int metric = 1 + random.Next(MaxMetric);
            Assert.Equal(1, reference.Update(route.PrefixText, route.NextHopText, metric, exact: true));
            Api.AssertUpdated(await Api.UpdateAsync(server.Client, route.PrefixText, route.NextHopText, metric, "exact"), 1);
        }

        return (server, reference, random);
    }

    [Fact]
    public async Task Explain_lists_every_matching_route_in_preference_order_with_the_winner_first()
    {
        var (server, reference, random) = await StartAsync();
        await using var _ = server;
        int nonEmpty = 0;
        for (int i = 0; i < 150; i++)
        {
            string ip = RandomTable.Address(random, reference);
            var (v6, value) = ReferenceTable.ParseAddress(ip);
            var want = reference.Matching(v6, value);
            var answer = await Api.GetAsync(server.Client, $"/destination/{ip}/explain");
            Assert.True(answer.Code == 200, $"{ip}: {answer}");
            var routes = answer.Json.GetProperty("routes").EnumerateArray().ToList();
            Assert.True(want.Count == routes.Count, $"{ip}: expected [{string.Join(", ", want)}], got {answer.Body}");
            for (int r = 0; r < want.Count; r++)
            {
                Assert.Equal(want[r].PrefixText, routes[r].GetProperty("prefix").GetString());
                Assert.Equal(want[r].NextHopText, routes[r].GetProperty("nh").GetString());
                Assert.Equal(want[r].Metric, routes[r].GetProperty("metric").GetInt32());
                Assert.Equal(reference.IsActive(want[r]), routes[r].GetProperty("active").GetBoolean());
            }

            // The winner named at the top is the plain lookup's answer.
            var lookup = await Api.LookupAsync(server.Client, ip);
            if (want.Count == 0)
            {
                Assert.Equal(404, lookup.Code);
                Assert.Equal(JsonValueKind.Null, answer.Json.GetProperty("dst").ValueKind);
            }
            else
            {
                nonEmpty++;
                Assert.Equal(ip, answer.Json.GetProperty("ip").GetString());
                Assert.Equal(want[0].PrefixText, answer.Json.GetProperty("dst").GetString());
                Assert.Equal(want[0].NextHopText, answer.Json.GetProperty("nh").GetString());
                Api.AssertRoute(lookup, want[0].PrefixText, want[0].NextHopText);
            }
        }

        Assert.True(nonEmpty > 50, $"only {nonEmpty} explained addresses had routes");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("10.0.0.1%2F8")]
    [InlineData("1.2.3.4%2F33")]
    public async Task Explain_of_a_bad_address_is_400_problem(string ip)
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        Api.AssertProblem(await Api.GetAsync(server.Client, $"/destination/{ip}/explain"), 400);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task Paging_through_all_routes_returns_each_route_exactly_once(int limit)
    {
        var (server, reference, _) = await StartAsync();
        await using var _ = server;
        var seen = new List<(string Prefix, string Nh, int Metric, bool Active)>();
        string? cursor = null;
        int pages = 0;
        do
        {
            string query = $"/routes?limit={limit}" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await Api.GetAsync(server.Client, query);
            Assert.True(page.Code == 200, page.ToString());
            Assert.Equal(reference.Routes.Count, page.Json.GetProperty("total").GetInt32());
            var routes = page.Json.GetProperty("routes").EnumerateArray().ToList();
            Assert.InRange(routes.Count, 1, limit);
            seen.AddRange(routes.Select(r => (r.GetProperty("prefix").GetString()!, r.GetProperty("nh").GetString()!, r.GetProperty("metric").GetInt32(), r.GetProperty("active").GetBoolean())));
            cursor = page.Json.GetProperty("next_cursor").GetString();
            Assert.True(++pages <= reference.Routes.Count + 1, "paging does not end");
        }
        while (cursor is not null);

        var expected = reference.Routes.Select(r => (r.PrefixText, r.NextHopText, r.Metric, reference.IsActive(r))).OrderBy(r => r.ToString(), StringComparer.Ordinal).ToList();
        Assert.Equal(expected, seen.OrderBy(r => r.ToString(), StringComparer.Ordinal).ToList());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Listing_by_prefix_selects_exact_or_covered_routes()
    {
        var (server, reference, random) = await StartAsync();
        await using var _ = server;
        for (int i = 0; i < 60; i++)
        {
            string prefix = RandomTable.Cidr(random, reference);
            bool exact = random.Next(2) == 0;
            var want = reference.Select(prefix, exact).Select(r => $"{r.PrefixText} {r.NextHopText} {r.Metric}").Order(StringComparer.Ordinal).ToList();
            var page = await Api.GetAsync(server.Client, $"/routes?prefix={Uri.EscapeDataString(prefix)}&match={(exact ? "exact" : "orlonger")}&limit=1000");
            Assert.True(page.Code == 200, $"{prefix}: {page}");
            var got = page.Json.GetProperty("routes").EnumerateArray()
                .Select(r => $"{r.GetProperty("prefix").GetString()} {r.GetProperty("nh").GetString()} {r.GetProperty("metric").GetInt32()}").Order(StringComparer.Ordinal).ToList();
            Assert.True(want.SequenceEqual(got), $"{prefix} {(exact ? "exact" : "orlonger")}: expected [{string.Join(", ", want)}], got [{string.Join(", ", got)}]");
            Assert.Equal(want.Count, page.Json.GetProperty("total").GetInt32());
            Assert.Equal(JsonValueKind.Null, page.Json.GetProperty("next_cursor").ValueKind);
        }
    }

    [Theory]
    [InlineData("/routes?prefix=abc")]
    [InlineData("/routes?prefix=10.0.0.1%2F8")]
    [InlineData("/routes?prefix=10.0.0.0%2F8&match=longer")]
    [InlineData("/routes?match=exact")]
    [InlineData("/routes?limit=0")]
    [InlineData("/routes?limit=-1")]
    [InlineData("/routes?limit=1001")]
    [InlineData("/routes?limit=abc")]
    [InlineData("/routes?cursor=abc")]
    [InlineData("/routes?cursor=-1")]
    [InlineData("/routes?cursor=99999")]
    public async Task Bad_listing_query_is_400_problem(string query)
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        Api.AssertProblem(await Api.GetAsync(server.Client, query), 400);
    }

    [Fact]
    public async Task Batch_answers_each_address_in_order_with_its_own_status()
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        // Same reasoning as the single lookups: /8 tie → 192.168.9.1; the /24 → 172.16.0.1; fe80::9 < fe80::10.
        var answer = await Api.PostJsonAsync(server.Client, "/destinations",
            """["10.9.9.9", "10.1.2.3", "2001:db8:5::1", "11.0.0.1", "::ffff:10.0.0.1", "abc", "01.2.3.4", "10.0.0.0/8", "10.0.0.1/8", "10.9.9.9"]""");
        Assert.Equal(200, answer.Code);
        var results = answer.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(10, results.Count);
        AssertItem(results[0], "10.9.9.9", 200, "10.0.0.0/8", "192.168.9.1");
        AssertItem(results[1], "10.1.2.3", 200, "10.1.2.0/24", "172.16.0.1");
        AssertItem(results[2], "2001:db8:5::1", 200, "2001:db8::/32", "fe80::9");
        AssertItem(results[3], "11.0.0.1", 404, null, null);
        AssertItem(results[4], "::ffff:10.0.0.1", 404, null, null);
        AssertItem(results[5], "abc", 400, null, null);
        AssertItem(results[6], "01.2.3.4", 400, null, null);
        AssertItem(results[7], "10.0.0.0/8", 200, "10.0.0.0/8", "192.168.9.1");
        AssertItem(results[8], "10.0.0.1/8", 400, null, null);
        AssertItem(results[9], "10.9.9.9", 200, "10.0.0.0/8", "192.168.9.1");

        var empty = await Api.PostJsonAsync(server.Client, "/destinations", "[]");
        Assert.Equal(200, empty.Code);
        Assert.Empty(empty.Json.GetProperty("results").EnumerateArray());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"ips\": [\"10.0.0.1\"]}")]
    [InlineData("\"10.0.0.1\"")]
    [InlineData("[1, 2]")]
    [InlineData("[\"10.0.0.1\"")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("[\"1.1.1.1\",\"1.1.1.2\",\"1.1.1.3\",\"1.1.1.4\",\"1.1.1.5\",\"1.1.1.6\"]")]
    public async Task Bad_or_oversized_batch_is_400_problem(string body)
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes, "--RoutingTable:MaxBatchSize", "5");
        Api.AssertProblem(await Api.PostJsonAsync(server.Client, "/destinations", body), 400);

        // Exactly the limit is fine.
        var atLimit = await Api.PostJsonAsync(server.Client, "/destinations", "[\"1.1.1.1\",\"1.1.1.2\",\"1.1.1.3\",\"1.1.1.4\",\"10.1.2.3\"]");
        Assert.Equal(200, atLimit.Code);
        Assert.Equal(5, atLimit.Json.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Default_batch_limit_is_1000()
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        string Body(int n) => JsonSerializer.Serialize(Enumerable.Repeat("10.1.2.3", n));
        Assert.Equal(1000, (await Api.PostJsonAsync(server.Client, "/destinations", Body(1000))).Json.GetProperty("results").GetArrayLength());
        Api.AssertProblem(await Api.PostJsonAsync(server.Client, "/destinations", Body(1001)), 400);
    }

    private static void AssertItem(JsonElement item, string ip, int status, string? dst, string? nh)
    {
        Assert.Equal(ip, item.GetProperty("ip").GetString());
        Assert.Equal(status, item.GetProperty("status").GetInt32());
        if (status == 200)
        {
            Assert.Equal(dst, item.GetProperty("dst").GetString());
            Assert.Equal(nh, item.GetProperty("nh").GetString());
        }
        else
        {
            Assert.False(item.TryGetProperty("dst", out _), item.ToString());
            Assert.False(string.IsNullOrEmpty(item.GetProperty("error").GetString()));
        }
    }
}
