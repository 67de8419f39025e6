using System.Diagnostics;
using System.Diagnostics.Metrics;
using Crossroads.Geocoding.Search;
using Crossroads.Hosting;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// The geocoder's instruments on its module meter (<c>Crossroads.Geocoder</c>): requests and their durations by endpoint
/// and outcome, the best score of each answered query (and the queries without any result), CSV rows and batch queries
/// by status, and the loaded index's counts as gauges. On /metrics as <c>crossroads_geocoder_*</c>.
/// </summary>
internal sealed class GeocoderMetrics
{
    /// <summary>From a cached search (tens of µs) to a 50 MB CSV upload (tens of seconds).</summary>
    private static readonly double[] DurationBuckets =
        [0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    /// <summary>Addok's scores are in [0, 1]; the CSV's default threshold is 0.5 and "cream" starts at 0.9.</summary>
    private static readonly double[] ScoreBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _topScore;
    private readonly Counter<long> _noResult;
    private readonly Counter<long> _csvRows;
    private readonly Counter<long> _batchQueries;

    public GeocoderMetrics(IMeterFactory meterFactory, GeocoderRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ModuleCatalog.Geocoder.MeterName);
        _requests = meter.CreateCounter<long>("crossroads.geocoder.requests", "{request}", "Geocoder requests by endpoint and outcome.");
        _duration = meter.CreateHistogram("crossroads.geocoder.request.duration", "s", "Time to answer a geocoder request, by endpoint and outcome (a CSV upload is one request).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _topScore = meter.CreateHistogram("crossroads.geocoder.result.score", "1", "Score of the best result of each search that found one, by endpoint.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoreBuckets });
        _noResult = meter.CreateCounter<long>("crossroads.geocoder.no_results", "{query}", "Searches and reverse queries that found nothing, by endpoint.");
        _csvRows = meter.CreateCounter<long>("crossroads.geocoder.csv.rows", "{row}", "CSV rows answered, by endpoint and result_status (ok, not-found, skipped, error).");
        _batchQueries = meter.CreateCounter<long>("crossroads.geocoder.batch.queries", "{query}", "Queries of POST /batch, by operation and status (ok, not-found, error).");
        meter.CreateObservableGauge("crossroads.geocoder.index.documents", () => DocumentCounts(runtime), "{document}", "Documents of the loaded index by type (municipality, street, locality).");
        meter.CreateObservableGauge("crossroads.geocoder.index.housenumbers", () => (long)(runtime.Index?.HousenumberCount ?? 0), "{housenumber}", "Housenumbers of the loaded index.");
    }

    /// <summary>Endpoint names, the <c>endpoint</c> tag's values.</summary>
    internal static class Endpoints
    {
        public const string Search = "search";
        public const string Reverse = "reverse";
        public const string Get = "get";
        public const string SearchCsv = "search_csv";
        public const string ReverseCsv = "reverse_csv";
        public const string Batch = "batch";
    }

    /// <summary>
    /// Runs <paramref name="handler"/> and records it by endpoint and by the outcome its status code says. The search
    /// handlers complete synchronously: then no async state machine is added to the hot path.
    /// </summary>
    internal Task Time(HttpContext context, string endpoint, Func<HttpContext, Task> handler)
    {
        long start = Stopwatch.GetTimestamp();
        Task task;
        try
        {
            task = handler(context);
        }
        catch
        {
            Record(endpoint, start, "error");
            throw;
        }

        if (!task.IsCompletedSuccessfully)
        {
            return AwaitAsync(task, context, endpoint, start);
        }

        Record(endpoint, start, Outcome(context));
        return Task.CompletedTask;
    }

    /// <summary>What a search (<paramref name="scored"/>) or reverse query found: the best score, or nothing.</summary>
    internal void Answered(string endpoint, bool scored, IReadOnlyList<GeocodeResult> results)
    {
        if (results.Count == 0)
        {
            _noResult.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
        }
        else if (scored)
        {
            // A reverse answer's score says nothing about the text: only searches feed the histogram.
            _topScore.Record(results[0].Score, new KeyValuePair<string, object?>("endpoint", endpoint));
        }
    }

    internal void CsvRow(string endpoint, string status) =>
        _csvRows.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("status", status));

    internal void BatchQuery(string operation, string status) =>
        _batchQueries.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("status", status));

    private static IEnumerable<Measurement<long>> DocumentCounts(GeocoderRuntime runtime)
    {
        if (runtime.Index is not { } index)
        {
            yield break;
        }

        foreach (var (type, count) in index.DocumentCountsByType())
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("type", type));
        }
    }

    private static string Outcome(int status) => status switch
    {
        < 400 => "ok",
        400 => "bad_request",
        404 => "not_found",
        413 => "too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        503 => "unavailable",
        < 500 => "client_error",
        _ => "error",
    };

    /// <summary>An exception escaping the handler becomes the chassis' 500 or a cut connection: an error either way.</summary>
    private async Task AwaitAsync(Task task, HttpContext context, string endpoint, long start)
    {
        string outcome = "error";
        try
        {
            await task.ConfigureAwait(false);
            outcome = Outcome(context);
        }
        finally
        {
            Record(endpoint, start, outcome);
        }
    }

    private static string Outcome(HttpContext context) =>
        context.RequestAborted.IsCancellationRequested ? "aborted" : Outcome(context.Response.StatusCode);

    private void Record(string endpoint, long start, string outcome)
    {
        var tags = new TagList { { "endpoint", endpoint }, { "outcome", outcome } };
        _requests.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, tags);
    }
}
