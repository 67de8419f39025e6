using Crossroads.Hosting;
using Crossroads.Geocoding.Search;
using Crossroads.Geocoding.Text;
using Crossroads.Server.ApiDocs;

namespace Crossroads.Server.Geocoder;

/// <summary>Addok's HTTP surface: <c>/search</c>, <c>/reverse</c>, <c>/get/{id}</c>, the CSV plugin's two endpoints, and addok-server's <c>/batch</c>.</summary>
public static class GeocoderApi
{
    /// <summary>Maps the endpoints at the root, as Addok serves them.</summary>
    public static IEndpointRouteBuilder MapGeocoderApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Singletons taken here, not as handler parameters: resolving them per request would create a service scope.
        var services = endpoints.ServiceProvider;
        var runtime = services.GetRequiredService<GeocoderRuntime>();
        var options = services.GetRequiredService<GeocoderOptions>();
        var metrics = services.GetRequiredService<GeocoderMetrics>();
        _ = services.GetRequiredService<GeocoderReadiness>(); // reports the index counts to the module's health check from now on
        var csv = new GeocoderCsv(runtime, options, metrics, services.GetRequiredService<ILoggerFactory>());
        var batch = new GeocoderBatch(runtime, options, metrics);
        // Built once: a lambda capturing these, created inside the per-request one, would be allocated per request.
        Func<HttpContext, Task> search = c => Search(c, runtime, metrics);
        Func<HttpContext, Task> reverse = c => Reverse(c, runtime, options, metrics);
        endpoints.MapGet("/search", (HttpContext context) => metrics.Time(context, GeocoderMetrics.Endpoints.Search, search))
            .WithName("GeocoderSearch")
            .WithSummary("Addok's /search: q (required), limit 1..100 (5), autocomplete (on), lat/lon bias, type/postcode/citycode filters; geocodejson.")
            .Documented(GeocoderApiDocs.Search());
        endpoints.MapGet("/reverse", (HttpContext context) => metrics.Time(context, GeocoderMetrics.Endpoints.Reverse, reverse))
            .WithName("GeocoderReverse")
            .WithSummary("Addok's /reverse: the nearest housenumbers or streets to lat/lon, with distance; limit, type/postcode/citycode filters.")
            .Documented(GeocoderApiDocs.Reverse());
        endpoints.MapGet("/get/{id}", (HttpContext context, string id) => metrics.Time(context, GeocoderMetrics.Endpoints.Get, c => Get(c, runtime, id)))
            .WithName("GeocoderGet")
            .WithSummary("One document or housenumber by id, as a geojson Feature (no score).")
            .Documented(GeocoderApiDocs.Get());
        endpoints.MapPost("/search/csv", (HttpContext context) => metrics.Time(context, GeocoderMetrics.Endpoints.SearchCsv, csv.SearchAsync))
            .WithMetadata(new RequestBodyLimit(options.CsvMaxBytes)) // over Limits:MaxRequestBodySize: rows are streamed
            .DisableRequestTimeout()
            .DisableAntiforgery()
            .WithName("GeocoderSearchCsv")
            .WithSummary("Addok's CSV plugin: multipart 'data' file, 'columns' (repeatable), delimiter, encoding, filter columns, min_score; the rows with the result columns appended, streamed.")
            .Documented(GeocoderApiDocs.SearchCsv());
        endpoints.MapPost("/reverse/csv", (HttpContext context) => metrics.Time(context, GeocoderMetrics.Endpoints.ReverseCsv, csv.ReverseAsync))
            .WithMetadata(new RequestBodyLimit(options.CsvMaxBytes))
            .DisableRequestTimeout()
            .DisableAntiforgery()
            .WithName("GeocoderReverseCsv")
            .WithSummary("Addok's CSV plugin: rows with latitude/lat and longitude/lon/lng/long columns, the nearest result appended, streamed.")
            .Documented(GeocoderApiDocs.ReverseCsv());
        endpoints.MapPost("/batch", (HttpContext context) => metrics.Time(context, GeocoderMetrics.Endpoints.Batch, batch.HandleAsync))
            .WithMetadata(new RequestBodyLimit(options.BatchMaxBytes))
            .WithName("GeocoderBatch")
            .WithSummary("addok-server's batch: {params?, requests: [{id, operation: geocode|reverse, params}]} → {results: [{id, status: ok|not-found|error, result|error}]}, in order.")
            .Documented(GeocoderApiDocs.Batch());
        // Falcon answers OPTIONS itself (200, Allow) and Addok's middleware adds the CORS headers: browsers' preflights pass.
        foreach (var (path, allow) in new[] { ("/search", "GET"), ("/reverse", "GET"), ("/get/{id}", "GET"), ("/search/csv", "POST"), ("/reverse/csv", "POST"), ("/batch", "POST") })
        {
            endpoints.MapMethods(path, [HttpMethods.Options], (HttpContext context) => Preflight(context, allow)).ExcludeFromDescription();
        }

        return endpoints;
    }

    private static IResult Preflight(HttpContext context, string allow)
    {
        Cors(context);
        context.Response.Headers.Allow = allow;
        context.Response.Headers.AccessControlAllowMethods = allow;
        return Results.Ok();
    }

    /// <summary>Addok's CORS middleware: every answer of these endpoints may be read by any origin.</summary>
    internal static void Cors(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowHeaders = "X-Requested-With";
    }

    internal static Task Search(HttpContext context, GeocoderRuntime runtime, GeocoderMetrics metrics)
    {
        Cors(context);
        if (runtime.Index is not { } index)
        {
            return AddokProblems.Loading().ExecuteAsync(context);
        }

        var query = context.Request.Query;
        string? q = AddokQuery.Param(query, "q");
        if (string.IsNullOrEmpty(q))
        {
            return AddokProblems.MissingParam("q").ExecuteAsync(context);
        }

        if (!AddokQuery.TryInt(query, "limit", out int? limitParam, out var problem)
            || !AddokQuery.TryBool(query, "autocomplete", out bool? autocomplete, out problem)
            || !AddokQuery.TryLonLat(query, out double? lon, out double? lat, out problem))
        {
            return problem!.ExecuteAsync(context);
        }

        int limit = limitParam is null or 0 ? AddokSettings.DefaultLimit : limitParam.Value;
        if (limit < 1 || limit > 100)
        {
            return AddokProblems.InvalidParam("out of range (1..100)", "limit").ExecuteAsync(context);
        }

        bool centred = AddokQuery.IsCentre(lat, lon);
        var filters = AddokQuery.Filters(name => query[name]);
        IReadOnlyList<GeocodeResult> results;
        try
        {
            results = index.Search(q, AddokQuery.SearchOptions(limit, autocomplete ?? true, lat, lon, filters));
        }
        catch (QueryTooLongException e)
        {
            return AddokProblems.TooLarge(e.Message).ExecuteAsync(context);
        }

        metrics.Answered(GeocoderMetrics.Endpoints.Search, scored: true, results);
        return GeoJson.WriteCollectionAsync(context, results, new GeoJson.Echo(q, filters, centred ? lon : null, centred ? lat : null, limit));
    }

    internal static Task Reverse(HttpContext context, GeocoderRuntime runtime, GeocoderOptions options, GeocoderMetrics metrics)
    {
        Cors(context);
        if (runtime.Index is not { } index)
        {
            return AddokProblems.Loading().ExecuteAsync(context);
        }

        var query = context.Request.Query;
        if (!AddokQuery.TryLonLat(query, out double? lon, out double? lat, out var problem))
        {
            return problem!.ExecuteAsync(context);
        }

        if (lon is null)
        {
            return AddokProblems.MissingParam("lon").ExecuteAsync(context);
        }

        if (lat is null)
        {
            return AddokProblems.MissingParam("lat").ExecuteAsync(context);
        }

        if (!AddokQuery.TryInt(query, "limit", out int? limitParam, out problem))
        {
            return problem!.ExecuteAsync(context);
        }

        int limit = limitParam is null or 0 ? 1 : limitParam.Value;
        if (limit < 1 || limit > 100)
        {
            // Addok takes any limit here; this one is bounded like /search's.
            return AddokProblems.InvalidParam("out of range (1..100)", "limit").ExecuteAsync(context);
        }

        var filters = AddokQuery.Filters(name => query[name]);
        var results = index.Reverse(lat.Value, lon.Value, AddokQuery.ReverseOptions(limit, filters, options.ReverseMaxDistanceMeters));
        metrics.Answered(GeocoderMetrics.Endpoints.Reverse, scored: false, results);
        return GeoJson.WriteCollectionAsync(context, results, new GeoJson.Echo(null, filters, null, null, limit));
    }

    internal static Task Get(HttpContext context, GeocoderRuntime runtime, string id)
    {
        Cors(context);
        if (runtime.Index is not { } index)
        {
            return AddokProblems.Loading().ExecuteAsync(context);
        }

        return index.Get(id) is { } result
            ? GeoJson.WriteFeatureAsync(context, result)
            : AddokProblems.NotFound(id).ExecuteAsync(context);
    }
}
