using System.Text;
using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>The geocoder's instruments on /metrics (<c>crossroads_geocoder_*</c>) count what the endpoints did.</summary>
public sealed class GeocoderMetricsTests
{
    private const string Found = "10 rue des sapins pouembout";
    private const string Nothing = "zzqxw vvkjy";

    [Fact]
    public async Task Requests_durations_scores_csv_rows_batch_queries_and_index_counts_appear_on_metrics()
    {
        await using var server = await GeocoderServer.StartAsync();
        var client = server.Client;
        string before = await MetricsScrape.GetAsync(client);

        Assert.Equal(200, (await Geo.GetAsync(client, "/search?q=" + Uri.EscapeDataString(Found))).Code);
        Assert.Equal(200, (await Geo.GetAsync(client, "/search?q=" + Uri.EscapeDataString(Nothing))).Code);
        Assert.Equal(400, (await Geo.GetAsync(client, "/search?limit=3")).Code);
        Assert.Equal(200, (await Geo.GetAsync(client, "/reverse?lat=-21.120919&lon=164.900792")).Code);
        Assert.Equal(404, (await Geo.GetAsync(client, "/get/nope")).Code);
        var csv = await Csv.PostAsync(client, "/search/csv", Encoding.UTF8.GetBytes($"id,q\n1,{Found}\n2,ab\n3,{Nothing}\n"), before: [("columns", "q")]);
        Assert.True(csv.Code == 200, csv.ToString());
        var batch = await Geo.PostAsync(client, "/batch", $$$"""
            {"requests": [
              {"operation": "geocode", "params": {"q": "{{{Found}}}"}},
              {"operation": "geocode", "params": {"q": "{{{Nothing}}}"}},
              {"operation": "geocode", "params": {}},
              {"operation": "reverse", "params": {"lat": -21.120919, "lon": 164.900792}}
            ]}
            """);
        Assert.True(batch.Code == 200, batch.ToString());

        string after = await MetricsScrape.GetAsync(client);
        double Delta(string name, string labels) => MetricsScrape.Delta(before, after, name, labels);

        foreach (string family in new[] { "requests_total counter", "request_duration_seconds histogram", "result_score histogram", "index_documents gauge" })
        {
            Assert.Matches($"(?m)^# TYPE crossroads_geocoder_{family}$", after);
        }

        Assert.True(Delta("crossroads_geocoder_request_duration_seconds_sum", "endpoint=\"search_csv\",outcome=\"ok\"") > 0, after);
        (string Sample, string Labels, double Expected)[] deltas =
        [
            // Requests and their durations by endpoint and outcome.
            ("requests_total", "endpoint=\"search\",outcome=\"ok\"", 2),
            ("requests_total", "endpoint=\"search\",outcome=\"bad_request\"", 1),
            ("requests_total", "endpoint=\"reverse\",outcome=\"ok\"", 1),
            ("requests_total", "endpoint=\"get\",outcome=\"not_found\"", 1),
            ("requests_total", "endpoint=\"search_csv\",outcome=\"ok\"", 1),
            ("requests_total", "endpoint=\"batch\",outcome=\"ok\"", 1),
            ("request_duration_seconds_count", "endpoint=\"search\",outcome=\"ok\"", 2),

            // What the queries found: one best score per search with a result (a reverse query has no text score), and
            // a counter for those without.
            ("result_score_count", "endpoint=\"search\"", 1),
            ("result_score_bucket", "endpoint=\"search\",le=\"1\"", 1),
            ("result_score_count", "endpoint=\"batch\"", 1),
            ("no_results_total", "endpoint=\"search\"", 1),
            ("no_results_total", "endpoint=\"search_csv\"", 1),
            ("no_results_total", "endpoint=\"batch\"", 1),

            // CSV rows and batch queries by status.
            ("csv_rows_total", "endpoint=\"search_csv\",status=\"ok\"", 1),
            ("csv_rows_total", "endpoint=\"search_csv\",status=\"skipped\"", 1),
            ("csv_rows_total", "endpoint=\"search_csv\",status=\"not-found\"", 1),
            ("batch_queries_total", "operation=\"geocode\",status=\"ok\"", 1),
            ("batch_queries_total", "operation=\"geocode\",status=\"not-found\"", 1),
            ("batch_queries_total", "operation=\"geocode\",status=\"error\"", 1),
            ("batch_queries_total", "operation=\"reverse\",status=\"ok\"", 1),
        ];
        foreach (var (sample, labels, expected) in deltas)
        {
            Assert.True(Delta("crossroads_geocoder_" + sample, labels) == expected, $"{sample}{{{labels}}}: expected +{expected}\n{after}");
        }

        // The loaded index as gauges.
        Assert.Matches(@"(?m)^# TYPE crossroads_geocoder_index_documents gauge$", after);
        Assert.Equal(2, MetricsScrape.Value(after, "crossroads_geocoder_index_documents", "type=\"municipality\""));
        Assert.Equal(202, MetricsScrape.Value(after, "crossroads_geocoder_index_documents", "type=\"street\""));
        Assert.Equal(2907, MetricsScrape.Value(after, "crossroads_geocoder_index_housenumbers", null));
    }
}
