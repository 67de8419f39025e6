using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Hosting.Tests;

public sealed class MetricsTests
{
    /// <summary>Starts a server, registers instruments shaped like the routing module's, and produces traffic.</summary>
    private static async Task<(ChassisServer Server, string Body)> ScrapeAfterTrafficAsync()
    {
        var server = await ChassisServer.StartAsync();
        var meter = server.App.Services.GetRequiredService<IMeterFactory>().Create("Crossroads.RoutingTable");
        var lookups = meter.CreateCounter<long>("routing_lookups_total", description: "Lookups by outcome.");
        var latency = meter.CreateHistogram(
            "routing_lookup_latency_seconds",
            unit: "s",
            description: "Lookup latency.\nSecond line with a \\ backslash.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.01, 0.1] });
        var updates = meter.CreateCounter<long>("routing_updates_total", description: "Updates by match type and outcome.");
        meter.CreateObservableGauge("routing_table_routes", () => 1234L, description: "Routes in the table.");
        var errors = meter.CreateCounter<long>("routing_errors", description: "Errors by type.");
        var levels = meter.CreateUpDownCounter<int>("routing.in-flight", description: "Requests in flight.");

        lookups.Add(3, new KeyValuePair<string, object?>("status", "hit"));
        lookups.Add(1, new KeyValuePair<string, object?>("status", "miss"));
        lookups.Add(2, new KeyValuePair<string, object?>("status", "hit"));
        foreach (var value in new[] { 0.0005, 0.005, 0.005, 0.05, 2.0 })
        {
            latency.Record(value);
        }

        updates.Add(1, new("match_type", "exact"), new("status", "ok"));
        updates.Add(1, new("status", "ok"), new("match_type", "exact"));
        errors.Add(1, new KeyValuePair<string, object?>("error_type", "quote\" back\\slash new\nline"));
        levels.Add(5);
        levels.Add(-2);

        using (await server.Client.GetAsync("/items")) { }
        using (await server.Client.GetAsync("/items")) { }
        using (await server.Client.GetAsync("/missing")) { }
        using (await server.Client.GetAsync("/boom")) { }
        using var response = await server.Client.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return (server, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The exporter writes series without labels as <c>name{} 1</c>; Prometheus reads that as <c>name 1</c>.</summary>
    private static string Samples(string body) => body.Replace("{} ", " ", StringComparison.Ordinal);

    [Fact]
    public async Task Promtool_accepts_the_real_output()
    {
        var (server, body) = await ScrapeAfterTrafficAsync();
        await using var _ = server;
        var promtool = FindOnPath("promtool")
            ?? throw new InvalidOperationException("promtool is not installed; install it with 'apt-get install -y --no-install-recommends prometheus' (CI does).");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(body);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var report = (await stdout + await stderr).Trim();
        Assert.True(process.ExitCode == 0 && report.Length == 0, $"promtool exit {process.ExitCode}: {report}\n--- scraped ---\n{body}");
    }

    [Fact]
    public async Task Module_instruments_keep_their_names_and_counters_get_total_once()
    {
        var (server, scraped) = await ScrapeAfterTrafficAsync();
        await using var _ = server;
        var body = Samples(scraped);
        Assert.Contains("# TYPE routing_lookups_total counter\n", body);
        Assert.Contains("routing_lookups_total{status=\"hit\"} 5\n", body);
        Assert.Contains("routing_lookups_total{status=\"miss\"} 1\n", body);
        Assert.Contains("# TYPE routing_lookup_latency_seconds histogram\n", body);
        Assert.Contains("# TYPE routing_table_routes gauge\n", body);
        Assert.Contains("routing_table_routes 1234\n", body);
        Assert.Contains("# TYPE routing_errors_total counter\n", body);
        Assert.Contains("# TYPE routing_in_flight gauge\n", body);
        Assert.Contains("routing_in_flight 3\n", body);
        Assert.DoesNotContain("_total_total", body);

        // Tags given in a different order are the same series.
        Assert.Contains("routing_updates_total{match_type=\"exact\",status=\"ok\"} 2\n", body);

        // One TYPE line per family.
        var types = Regex.Matches(body, "^# TYPE (\\S+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(types.Count, types.Distinct().Count());
    }

    [Fact]
    public async Task Histogram_buckets_are_cumulative_and_end_with_Inf_equal_to_count()
    {
        var (server, scraped) = await ScrapeAfterTrafficAsync();
        await using var _ = server;
        var body = Samples(scraped);
        Assert.Contains("routing_lookup_latency_seconds_bucket{le=\"0.001\"} 1\n", body);
        Assert.Contains("routing_lookup_latency_seconds_bucket{le=\"0.01\"} 3\n", body);
        Assert.Contains("routing_lookup_latency_seconds_bucket{le=\"0.1\"} 4\n", body);
        Assert.Contains("routing_lookup_latency_seconds_bucket{le=\"+Inf\"} 5\n", body);
        Assert.Contains("routing_lookup_latency_seconds_count 5\n", body);
        var sum = Regex.Match(body, "^routing_lookup_latency_seconds_sum (\\S+)$", RegexOptions.Multiline);
        Assert.Equal(2.0605, double.Parse(sum.Groups[1].Value, CultureInfo.InvariantCulture), 9);
    }

    [Fact]
    public async Task Label_values_and_help_text_are_escaped()
    {
        var (server, body) = await ScrapeAfterTrafficAsync();
        await using var _ = server;
        Assert.Contains("routing_errors_total{error_type=\"quote\\\" back\\\\slash new\\nline\"} 1\n", body);
        Assert.Contains("# HELP routing_lookup_latency_seconds Lookup latency.\\nSecond line with a \\\\ backslash.\n", body);
    }

    [Fact]
    public async Task Standard_http_server_metrics_by_route_template_and_process_metrics_are_exported()
    {
        var (server, scraped) = await ScrapeAfterTrafficAsync();
        await using var _ = server;
        var body = Samples(scraped);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram\n", body);
        AssertSample(body, "http_server_request_duration_seconds_count", 2, "http_request_method=\"GET\"", "http_response_status_code=\"200\"", "http_route=\"/items\"");
        AssertSample(body, "http_server_request_duration_seconds_count", 1, "http_route=\"/boom\"", "http_response_status_code=\"500\"");

        // Unmatched paths share one series without a route label: raw paths never become labels.
        AssertSample(body, "http_server_request_duration_seconds_count", 1, "http_response_status_code=\"404\"", "aspnetcore_request_is_unhandled=\"true\"");
        Assert.DoesNotContain("/missing", body);
        Assert.Contains("# TYPE http_server_active_requests gauge\n", body);
        Assert.Contains("# TYPE kestrel_active_connections gauge\n", body);
        foreach (var family in new[]
        {
            "process_cpu_seconds_total counter", "process_resident_memory_bytes gauge", "process_start_time_seconds gauge",
            "dotnet_gc_collections_total counter", "dotnet_gc_heap_bytes gauge", "dotnet_threadpool_threads gauge",
            "dotnet_threadpool_queue_length gauge", "dotnet_jit_compilation_seconds_total counter",
            "dotnet_jit_compiled_methods_total counter",
        })
        {
            Assert.Contains("# TYPE " + family + "\n", body);
        }

        Assert.Contains("dotnet_gc_collections_total{generation=\"gen0\"} ", body);

        // The server has compiled its handlers by now, so both JIT counters are past zero.
        Assert.True(ScalarSample(body, "dotnet_jit_compiled_methods_total") > 0);
        Assert.True(ScalarSample(body, "dotnet_jit_compilation_seconds_total") > 0);
    }

    /// <summary>The value of the one label-less sample of <paramref name="name"/>.</summary>
    private static double ScalarSample(string body, string name)
    {
        var match = Regex.Match(body, "^" + Regex.Escape(name) + " (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, name + " has no label-less sample");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Asserts one sample of <paramref name="name"/> carrying every given label has <paramref name="value"/>.</summary>
    private static void AssertSample(string body, string name, double value, params string[] labels)
    {
        var matches = Regex.Matches(body, "^" + Regex.Escape(name) + "\\{([^}]*)\\} (\\S+)$", RegexOptions.Multiline)
            .Where(m => labels.All(l => m.Groups[1].Value.Split(',').Contains(l)))
            .ToList();
        var match = Assert.Single(matches);
        Assert.Equal(value, double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Another_servers_instruments_are_not_exported()
    {
        await using var first = await ChassisServer.StartAsync();
        await using var second = await ChassisServer.StartAsync();
        var meter = first.App.Services.GetRequiredService<IMeterFactory>().Create("Crossroads.Isolation");
        meter.CreateCounter<long>("isolation_probe").Add(1);
        var firstBody = Samples(await first.Client.GetStringAsync("/metrics"));
        var secondBody = Samples(await second.Client.GetStringAsync("/metrics"));
        Assert.Contains("isolation_probe_total 1\n", firstBody);
        Assert.DoesNotContain("isolation_probe", secondBody);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
