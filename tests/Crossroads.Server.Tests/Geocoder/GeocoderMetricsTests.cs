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

        // Requests and their durations by endpoint and outcome.
        Assert.Matches(@"(?m)^# TYPE crossroads_geocoder_requests_total counter$", after);
        Assert.Matches(@"(?m)^# TYPE crossroads_geocoder_request_duration_seconds histogram$", after);
        Assert.Equal(2, Delta("crossroads_geocoder_requests_total", "endpoint=\"search\",outcome=\"ok\""));
        Assert.Equal(1, Delta("crossroads_geocoder_requests_total", "endpoint=\"search\",outcome=\"bad_request\""));
        Assert.Equal(1, Delta("crossroads_geocoder_requests_total", "endpoint=\"reverse\",outcome=\"ok\""));
        Assert.Equal(1, Delta("crossroads_geocoder_requests_total", "endpoint=\"get\",outcome=\"not_found\""));
        Assert.Equal(1, Delta("crossroads_geocoder_requests_total", "endpoint=\"search_csv\",outcome=\"ok\""));
        Assert.Equal(1, Delta("crossroads_geocoder_requests_total", "endpoint=\"batch\",outcome=\"ok\""));
        Assert.Equal(2, Delta("crossroads_geocoder_request_duration_seconds_count", "endpoint=\"search\",outcome=\"ok\""));
        Assert.True(Delta("crossroads_geocoder_request_duration_seconds_sum", "endpoint=\"search_csv\",outcome=\"ok\"") > 0, after);

        // What the queries found: one best score per search with a result, a counter for those without.
        Assert.Matches(@"(?m)^# TYPE crossroads_geocoder_result_score histogram$", after);
        Assert.Equal(1, Delta("crossroads_geocoder_result_score_count", "endpoint=\"search\""));
        Assert.Equal(1, Delta("crossroads_geocoder_result_score_bucket", "endpoint=\"search\",le=\"1\"")); // cumulative: the +1 is below 1
        Assert.Equal(1, Delta("crossroads_geocoder_no_results_total", "endpoint=\"search\""));
        Assert.Equal(1, Delta("crossroads_geocoder_no_results_total", "endpoint=\"search_csv\""));
        Assert.Equal(1, Delta("crossroads_geocoder_no_results_total", "endpoint=\"batch\""));
        Assert.Equal(1, Delta("crossroads_geocoder_result_score_count", "endpoint=\"batch\"")); // the reverse query has no text score

        // CSV rows and batch queries by status.
        Assert.Equal(1, Delta("crossroads_geocoder_csv_rows_total", "endpoint=\"search_csv\",status=\"ok\""));
        Assert.Equal(1, Delta("crossroads_geocoder_csv_rows_total", "endpoint=\"search_csv\",status=\"skipped\""));
        Assert.Equal(1, Delta("crossroads_geocoder_csv_rows_total", "endpoint=\"search_csv\",status=\"not-found\""));
        Assert.Equal(1, Delta("crossroads_geocoder_batch_queries_total", "operation=\"geocode\",status=\"ok\""));
        Assert.Equal(1, Delta("crossroads_geocoder_batch_queries_total", "operation=\"geocode\",status=\"not-found\""));
        Assert.Equal(1, Delta("crossroads_geocoder_batch_queries_total", "operation=\"geocode\",status=\"error\""));
        Assert.Equal(1, Delta("crossroads_geocoder_batch_queries_total", "operation=\"reverse\",status=\"ok\""));

        // The loaded index as gauges.
        Assert.Matches(@"(?m)^# TYPE crossroads_geocoder_index_documents gauge$", after);
        Assert.Equal(2, MetricsScrape.Value(after, "crossroads_geocoder_index_documents", "type=\"municipality\""));
        Assert.Equal(202, MetricsScrape.Value(after, "crossroads_geocoder_index_documents", "type=\"street\""));
        Assert.Equal(2907, MetricsScrape.Value(after, "crossroads_geocoder_index_housenumbers", null));
    }
}
