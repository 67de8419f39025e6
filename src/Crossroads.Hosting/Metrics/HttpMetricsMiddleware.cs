using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crossroads.Hosting.Metrics;

/// <summary>
/// Counts requests and their duration by route template, method and status. Runs outside the exception handler, so
/// failures are counted with the status the client saw. Label values come from small fixed sets (route templates,
/// known methods, cached status strings) to bound cardinality and avoid boxing per request.
/// </summary>
internal sealed class HttpMetricsMiddleware
{
    public const string MeterName = "Crossroads.Hosting.Http";

    /// <summary>Used when no endpoint matched (404, or a request rejected before routing).</summary>
    public const string UnmatchedRoute = "unmatched";

    private static readonly string[] StatusStrings = Enumerable.Range(0, 600).Select(static s => s.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly RequestDelegate _next;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public HttpMetricsMiddleware(RequestDelegate next, IMeterFactory meterFactory)
    {
        _next = next;
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("http_server_requests_total", description: "HTTP requests served, by method, route template and status code.");
        _duration = meter.CreateHistogram(
            "http_server_request_duration_seconds",
            unit: "s",
            description: "HTTP request duration in seconds, by method and route template.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            // The exception handler clears the endpoint before writing its 500; it keeps the original in its feature.
            var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? UnmatchedRoute;
            var method = NormalizeMethod(context.Request.Method);
            var status = context.Response.StatusCode;
            var tags = new TagList
            {
                { "method", method },
                { "route", route },
                { "status", (uint)status < (uint)StatusStrings.Length ? StatusStrings[status] : "other" },
            };
            _requests.Add(1, tags);
            _duration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, new TagList { { "method", method }, { "route", route } });
        }
    }

    /// <summary>Arbitrary client-chosen methods would create unbounded series; they are folded into OTHER.</summary>
    private static string NormalizeMethod(string method) =>
        HttpMethods.IsGet(method) ? HttpMethods.Get
        : HttpMethods.IsPost(method) ? HttpMethods.Post
        : HttpMethods.IsPut(method) ? HttpMethods.Put
        : HttpMethods.IsDelete(method) ? HttpMethods.Delete
        : HttpMethods.IsPatch(method) ? HttpMethods.Patch
        : HttpMethods.IsHead(method) ? HttpMethods.Head
        : HttpMethods.IsOptions(method) ? HttpMethods.Options
        : "OTHER";
}
