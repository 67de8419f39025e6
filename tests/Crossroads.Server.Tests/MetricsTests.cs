using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests;

/// <summary>/metrics keeps the Python service's metric families, and they count what happened.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Metrics_expose_the_required_families_and_count_lookups_updates_and_errors()
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        var client = server.Client;
        // Every family exists once there is something to count; make one of each.
        Api.AssertRoute(await Api.LookupAsync(client, "10.1.2.3"), "10.1.2.0/24", "172.16.0.1");
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.1.0.0/16", "172.16.0.1", 5, "exact"), 1);
        Api.AssertProblem(await Api.LookupAsync(client, "abc"), 400);

        string before = await ScrapeAsync(client);
        // The Python service's names exactly (the _total suffix is part of the family name the dashboards use).
        Assert.Matches(@"(?m)^# TYPE routing_lookups_total counter$", before);
        Assert.Matches(@"(?m)^# TYPE routing_updates_total counter$", before);
        Assert.Matches(@"(?m)^# TYPE routing_errors_total counter$", before);
        Assert.Matches(@"(?m)^# TYPE routing_table_routes gauge$", before);
        Assert.Matches(@"(?m)^# TYPE routing_lookup_latency_seconds histogram$", before);
        Assert.Matches(@"(?m)^routing_lookup_latency_seconds_bucket\{[^}]*le=""\+Inf""[^}]*\} \d+", before);
        Assert.Equal(HandMadeTable.RouteCount, Value(before, "routing_table_routes", null));

        // 3 found, 2 not found, 4 invalid lookups; 2 orlonger + 1 exact successful updates, 1 not found, 1 invalid.
        foreach (string ip in new[] { "10.1.2.3", "2001:db8::1", "10.0.0.0%2F8" })
        {
            Assert.Equal(200, (await Api.LookupAsync(client, ip)).Code);
        }

        foreach (string ip in new[] { "11.0.0.1", "::ffff:10.0.0.1" })
        {
            Assert.Equal(404, (await Api.LookupAsync(client, ip)).Code);
        }

        foreach (string ip in new[] { "abc", "1.2.3", "01.2.3.4", "10.0.0.1%2F8" })
        {
            Assert.Equal(400, (await Api.LookupAsync(client, ip)).Code);
        }

        Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "172.16.0.1", 6), 3);
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "172.16.0.1", 7, "orlonger"), 3);
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.2.0.0/16", "172.16.0.1", 8, "exact"), 1);
        Api.AssertProblem(await Api.UpdateAsync(client, "192.0.2.0/24", "172.16.0.1", 8, "exact"), 404);
        Api.AssertProblem(await Api.UpdateAsync(client, "10.0.0.0/8", "172.16.0.1", 0), 400);

        string after = await ScrapeAsync(client);
        Assert.Equal(3, Delta(before, after, "routing_lookups_total", "status=\"success\""));
        Assert.Equal(2, Delta(before, after, "routing_lookups_total", "status=\"not_found\""));
        Assert.Equal(4, Delta(before, after, "routing_lookups_total", "status=\"invalid\""));
        Assert.Equal(2, Delta(before, after, "routing_updates_total", "match_type=\"orlonger\",status=\"success\""));
        Assert.Equal(1, Delta(before, after, "routing_updates_total", "match_type=\"exact\",status=\"success\""));
        Assert.Equal(1, Delta(before, after, "routing_updates_total", "match_type=\"exact\",status=\"not_found\""));
        Assert.True(Delta(before, after, "routing_errors_total", "error_type=\"invalid_address\"") == 4, after);
        // Single lookups are timed: 3 + 2 + 4 more observations.
        Assert.Equal(9, Delta(before, after, "routing_lookup_latency_seconds_count", null));

        // Batch lookups count per address.
        var batch = await Api.PostJsonAsync(client, "/destinations", """["10.1.2.3", "10.1.2.4", "11.0.0.1", "abc"]""");
        Assert.Equal(200, batch.Code);
        string afterBatch = await ScrapeAsync(client);
        Assert.Equal(2, Delta(after, afterBatch, "routing_lookups_total", "status=\"success\""));
        Assert.Equal(1, Delta(after, afterBatch, "routing_lookups_total", "status=\"not_found\""));
        Assert.Equal(1, Delta(after, afterBatch, "routing_lookups_total", "status=\"invalid\""));
    }

    private static Task<string> ScrapeAsync(HttpClient client) => MetricsScrape.GetAsync(client);

    private static double Delta(string before, string after, string name, string? labels) => MetricsScrape.Delta(before, after, name, labels);

    private static double Value(string scrape, string name, string? labels) => MetricsScrape.Value(scrape, name, labels);
}
