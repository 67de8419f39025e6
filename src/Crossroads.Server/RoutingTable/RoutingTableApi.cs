using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Crossroads.Hosting;
using Crossroads.Hosting.Json;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Addressing;
using Crossroads.Server.ApiDocs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.RoutingTable;

/// <summary>HTTP surface of the routing table: the Python service's API plus batch, explain and listing.</summary>
public static class RoutingTableApi
{
    private const string ExplainSuffix = "/explain";

    // DestinationResponse's JSON names, pre-encoded for the direct answer.
    private static readonly System.Text.Json.JsonEncodedText DestinationDst = System.Text.Json.JsonEncodedText.Encode("dst");
    private static readonly System.Text.Json.JsonEncodedText DestinationNh = System.Text.Json.JsonEncodedText.Encode("nh");

    /// <summary>Maps the routing-table endpoints (on the module's route group; the OpenAPI tag comes from the group).</summary>
    public static IEndpointRouteBuilder MapRoutingTableApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // The state and metrics are singletons: taken here rather than as handler parameters, which would make every
        // lookup create a request service scope to resolve them. The lookup is synchronous and never observes
        // RequestAborted, so a request timeout could not stop it anyway; opting out saves the timeout middleware's
        // linked CancellationTokenSource and timer per request.
        var state = endpoints.ServiceProvider.GetRequiredService<RoutingTableState>();
        var metrics = endpoints.ServiceProvider.GetRequiredService<RoutingTableMetrics>();
        // Cast to Delegate: as a RequestDelegate the lambda would skip the request delegate factory, and with it the
        // method metadata OpenAPI describes endpoints from.
        endpoints.MapGet("/destination/{**ip}", (Delegate)((HttpContext context) => GetDestination(context, state, metrics)))
            .DisableRequestTimeout()
            .WithMetadata(DestinationAnswers)
            .WithName("LookupDestination")
            .WithSummary("Longest-prefix match of an address (or of a CIDR's network address); '/explain' lists every matching route.")
            .Documented(new ApiDoc()
                .Path("ip", ApiType.String, "An IPv4 or IPv6 address (Python ipaddress rules), or a CIDR with host bits clear (raw slash or %2F), whose network address is looked up. Append /explain for every route containing it, in preference order.", "1.0.167.5")
                .Returns(200, "application/json", "The winning route {dst, nh}; with /explain {ip, dst, nh, routes: [{prefix, nh, metric, active}]} (an empty list when no route contains it).")
                .Problems(400, 404, 503));
        endpoints.MapPost("/destinations", PostDestinations)
            .WithName("LookupDestinations")
            .WithSummary("Batch lookup: a JSON array of addresses; one result per address, all from one table snapshot.")
            .Documented(new ApiDoc()
                .JsonBody("A JSON array of address strings, at most RoutingTable:MaxBatchSize (default 1,000).", """["1.0.167.5", "2001:db8::1", "10.1.2.3"]""")
                .Returns(200, "application/json", "{results: [{ip, status, dst, nh} or {ip, status, error}]}, in input order: status 200 found, 404 no route, 400 not an address.")
                .Problems(400, 413, 503));
        endpoints.MapPut("/prefix/{**path}", PutMetric)
            .WithName("UpdateMetric")
            .WithSummary("/prefix/{prefix}/nh/{nh}/metric/{metric}[/match/{exact|orlonger}]: set the metric of matching routes (default orlonger).")
            .RequireWriteAccess()
            .Documented(new ApiDoc()
                .Path("path", ApiType.String, "{prefix}/nh/{next hop}/metric/{1..MAX_METRIC}[/match/{exact|orlonger}]; the prefix's slash raw or as %2F. orlonger (the default) updates every route via the next hop whose prefix equals or lies inside the prefix, exact only the route of that prefix.", "10.0.0.0/8/nh/192.168.10.1/metric/5")
                .Returns(200, "application/json", "{status: \"success\", updated_routes: N}, once the update is durable (journal or shared table).")
                .Problems(400, 404, 503));
        endpoints.MapGet("/routes", GetRoutes)
            .WithName("ListRoutes")
            .WithSummary("Routes equal to (exact) or inside (orlonger, default) a prefix, or all routes; paged with limit and cursor.")
            .Documented(new ApiDoc()
                .Query("prefix", ApiType.String, "A prefix (CIDR, host bits clear); without it every route is listed.", example: "10.0.0.0/8")
                .Query("match", ApiType.String, "exact: routes of that prefix; orlonger: that prefix and every prefix inside it. Needs prefix.", example: "orlonger", defaultValue: "orlonger", allowed: ["exact", "orlonger"])
                .Query("limit", ApiType.Integer, "Routes per page, 1..RoutingTable:MaxPageSize (default maximum 1,000).", example: "50", defaultValue: "100")
                .Query("cursor", ApiType.String, "The next_cursor of the page before; cursors stay valid across metric updates.")
                .Returns(200, "application/json", "{routes: [{prefix, nh, metric, active}], total, next_cursor (null on the last page)}.")
                .Problems(400, 503));
        endpoints.MapGet("/health", GetHealth)
            .WithName("Health")
            .WithSummary("The Python service's health answer: status and routes loaded.")
            .Documented(new ApiDoc()
                .Returns(200, "application/json", "{status: \"healthy\", routes_loaded, prefixes, table_version, max_metric}.")
                .Returns(503, "application/json", "{status: \"loading\", ...} until the table is loaded: the Python service's answer, not a problem, for its clients."))
            .WithMetadata(OperationsEndpointMetadata.Instance); // a probe: no key, no rate limit
        return endpoints;
    }

    /// <summary>
    /// What <see cref="GetDestination"/> answers, for OpenAPI: it writes its answers itself (it returns a plain
    /// <see cref="Task"/>), so the response metadata the result types would have added is listed here.
    /// </summary>
    private static readonly object[] DestinationAnswers = ResponseMetadata<Results<SizedJsonResult<DestinationResponse>, Ok<ExplainResponse>, ProblemHttpResult>>();

    /// <summary>
    /// The hot endpoint: a found route is written straight into the response (<c>{"dst":...,"nh":...}</c>, the bytes the
    /// serializer writes for <see cref="DestinationResponse"/>, with <c>Content-Length</c>) without a response record,
    /// a prefix string, a result object or the framework's result execution; every other answer goes through the
    /// same typed results as before.
    /// </summary>
    internal static Task GetDestination(HttpContext context, RoutingTableState state, RoutingTableMetrics metrics)
    {
        long started = Stopwatch.GetTimestamp();
        if (state.Table is not { } table)
        {
            return Loading(metrics).ExecuteAsync(context);
        }

        // The common case, a plain address without escapes, is parsed from the request target itself; anything
        // else (escapes, /explain, CIDR text, errors) takes the string path below.
        var target = RawPath.AfterFirstSegmentSpan(context);
        if (!target.Contains('%') && !target.EndsWith(ExplainSuffix) && IpAddress.TryParse(target, out var plain))
        {
            return Found(context, table.Table.Current, plain, started, metrics);
        }

        string raw = target.IsEmpty ? string.Empty : target.ToString();
        bool explain = raw.EndsWith(ExplainSuffix, StringComparison.Ordinal);
        string text = RawPath.Decode(explain ? raw[..^ExplainSuffix.Length] : raw);
        if (text.Length == 0)
        {
            // FastAPI answers a missing path parameter with 404, not 400.
            return Problem(StatusCodes.Status404NotFound, "expected /destination/{ip}").ExecuteAsync(context);
        }

        if (!TryParseDestination(text, out var address, out string? error))
        {
            metrics.Lookup(LookupOutcome.Invalid, Stopwatch.GetElapsedTime(started).TotalSeconds);
            metrics.Error("invalid_address");
            return Problem(StatusCodes.Status400BadRequest, error).ExecuteAsync(context);
        }

        var snapshot = table.Table.Current;
        if (explain)
        {
            var routes = snapshot.Explain(address).Select(ToResponse).ToList();
            var winner = routes.Count > 0 ? routes[0] : null;
            return TypedResults.Ok(new ExplainResponse(text, winner?.Prefix, winner?.NextHop, routes)).ExecuteAsync(context);
        }

        return Found(context, snapshot, address, started, metrics);
    }

    /// <summary>The lookup of a parsed address: the route written straight into the response, or a 404 problem.</summary>
    private static Task Found(HttpContext context, RouteTableSnapshot snapshot, IpAddress address, long started, RoutingTableMetrics metrics)
    {
        int route = snapshot.LookupIndex(address);
        if (route < 0)
        {
            metrics.Lookup(LookupOutcome.NotFound, Stopwatch.GetElapsedTime(started).TotalSeconds);
            return Problem(StatusCodes.Status404NotFound, $"no route to {address}").ExecuteAsync(context);
        }

        metrics.Lookup(LookupOutcome.Success, Stopwatch.GetElapsedTime(started).TotalSeconds);
        SizedJson.WriteObject(context, RoutingTableJsonContext.Default.Options, (Prefix: snapshot.GetRoutePrefix(route), NextHop: snapshot.NextHopText(route)), static (writer, answer) =>
        {
            Span<char> prefix = stackalloc char[IpPrefix.MaxTextLength];
            _ = answer.Prefix.TryFormat(prefix, out int written);
            writer.WriteString(DestinationDst, prefix[..written]);
            writer.WriteString(DestinationNh, answer.NextHop);
        });
        return Task.CompletedTask;
    }

    internal static async Task<Results<BatchAnswerWritten, ProblemHttpResult>> PostDestinations(
        HttpRequest request, RoutingTableState state, RoutingTableOptions settings, RoutingTableMetrics metrics)
    {
        if (state.Table is not { } table)
        {
            return Loading(metrics);
        }

        var (body, length) = await BatchLookup.ReadBodyAsync(request).ConfigureAwait(false);
        try
        {
            var outcome = BatchLookup.Answer(body.AsSpan(0, length), table.Table.Current, settings.MaxBatchSize, request.HttpContext.Response, metrics);
            if (outcome.Problem is not null)
            {
                metrics.Error(outcome.MetricError!);
                return Problem(StatusCodes.Status400BadRequest, outcome.Problem);
            }

            return BatchAnswerWritten.Instance;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    internal static async Task<Results<Ok<UpdateResponse>, ProblemHttpResult>> PutMetric(
        HttpContext context, RoutingTableState state, RoutingTableMetrics metrics)
    {
        if (state.Table is not { } table)
        {
            return Loading(metrics);
        }

        if (!UpdatePath.TryParse(RawPath.SegmentsAfterFirst(context), out var parts))
        {
            metrics.Error("invalid_path");
            return Problem(StatusCodes.Status404NotFound, "expected /prefix/{prefix}/nh/{nh}/metric/{metric}[/match/{exact|orlonger}]");
        }

        string? error = TryParseUpdate(parts, table.Table.Current.MaxMetric, out var update);
        string matchType = update is not null || TryParseMatch(parts.Match, out _) ? parts.Match : "invalid";
        if (update is null)
        {
            metrics.Update(matchType, "invalid");
            metrics.Error("invalid_update");
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        int updated;
        try
        {
            updated = await table.UpdateAsync(update, context.RequestAborted).ConfigureAwait(false);
        }
        catch (UpdateNotAppliedException e)
        {
            metrics.Update(matchType, "error");
            metrics.Error(e.ErrorType);
            if (e.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }

            return Problem(StatusCodes.Status503ServiceUnavailable, e.Message);
        }

        if (updated == 0)
        {
            metrics.Update(matchType, "not_found");
            return Problem(StatusCodes.Status404NotFound, $"no route matches prefix {update.Prefix} with next hop {update.NextHop} ({matchType})");
        }

        metrics.Update(matchType, "success");
        return TypedResults.Ok(new UpdateResponse("success", updated));
    }

    internal static Results<Ok<RoutesPage>, ProblemHttpResult> GetRoutes(
        RoutingTableState state, RoutingTableOptions settings, RoutingTableMetrics metrics,
        string? prefix = null, string? match = null, string? limit = null, string? cursor = null)
    {
        if (state.Table is not { } table)
        {
            return Loading(metrics);
        }

        var snapshot = table.Table.Current;
        int pageSize = 100;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > settings.MaxPageSize))
        {
            return Problem(StatusCodes.Status400BadRequest, $"limit must be an integer between 1 and {settings.MaxPageSize} (got '{limit}')");
        }

        (int first, int end) = (0, snapshot.RouteCount);
        if (prefix is not null)
        {
            if (!IpPrefix.TryParse(prefix, out var parsed, out string? error))
            {
                return Problem(StatusCodes.Status400BadRequest, $"invalid prefix: {error}");
            }

            if (!TryParseMatch(match ?? "orlonger", out var kind))
            {
                return Problem(StatusCodes.Status400BadRequest, $"invalid match type: must be 'exact' or 'orlonger' (got '{match}')");
            }

            (first, end) = snapshot.FindRoutes(parsed, kind);
        }
        else if (match is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, "match needs a prefix");
        }

        // The cursor is an offset into the selection: the table's shape never changes, so it stays valid.
        int offset = 0;
        if (cursor is not null && (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > end - first))
        {
            return Problem(StatusCodes.Status400BadRequest, $"invalid cursor '{cursor}'");
        }

        int start = first + offset;
        int stop = Math.Min(end, start + pageSize);
        var routes = new List<RouteResponse>(stop - start);
        for (int r = start; r < stop; r++)
        {
            routes.Add(ToResponse(snapshot.GetRoute(r)));
        }

        string? next = stop < end ? (stop - first).ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new RoutesPage(routes, end - first, next));
    }

    internal static IResult GetHealth(RoutingTableState state, [FromKeyedServices(ModuleCatalog.Names.RoutingTable)] ModuleStatus status)
    {
        if (state.Table is not { } table)
        {
            return TypedResults.Json(
                new LegacyHealthResponse(status.State == ModuleState.Failed ? "failed" : "loading", 0, 0, 0, 0),
                RoutingTableJsonContext.Default.LegacyHealthResponse,
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var snapshot = table.Table.Current;
        return TypedResults.Json(
            new LegacyHealthResponse("healthy", snapshot.RouteCount, snapshot.PrefixCount, table.Version, snapshot.MaxMetric),
            RoutingTableJsonContext.Default.LegacyHealthResponse);
    }

    /// <summary>
    /// Accepts an address, or a CIDR whose host bits are clear (its network address is looked up), strictly as
    /// Python's ip_network does; the error names what was wrong.
    /// </summary>
    internal static bool TryParseDestination(string text, out IpAddress address, out string? error)
    {
        if (IpAddress.TryParse(text, out address))
        {
            error = null;
            return true;
        }

        if (!text.Contains('/', StringComparison.Ordinal))
        {
            error = $"'{text}' is not a valid IPv4 or IPv6 address";
            return false;
        }

        if (IpPrefix.TryParse(text, out var prefix, out error))
        {
            address = prefix.Network;
            return true;
        }

        return false;
    }

    // Parses each field once; returns null and the update, or the message naming the first bad field.
    private static string? TryParseUpdate(UpdatePath parts, int maxMetric, out MetricUpdate? update)
    {
        update = null;
        if (!IpPrefix.TryParse(parts.Prefix, out var prefix, out string? prefixError))
        {
            return $"invalid prefix: {prefixError}";
        }

        if (!IpAddress.TryParse(parts.NextHop, out var nextHop))
        {
            return $"invalid next hop: '{parts.NextHop}' is not a valid IPv4 or IPv6 address";
        }

        if (!int.TryParse(parts.Metric, NumberStyles.None, CultureInfo.InvariantCulture, out int metric) || metric < 1 || metric > maxMetric)
        {
            return $"invalid metric: must be an integer between 1 and {maxMetric} (got '{parts.Metric}')";
        }

        if (!TryParseMatch(parts.Match, out var match))
        {
            return $"invalid match type: must be 'exact' or 'orlonger' (got '{parts.Match}')";
        }

        update = new MetricUpdate(prefix, nextHop, metric, match);
        return null;
    }

    private static bool TryParseMatch(string text, out MatchKind match)
    {
        match = text == "exact" ? MatchKind.Exact : MatchKind.OrLonger;
        return text is "exact" or "orlonger";
    }

    private static RouteResponse ToResponse(Crossroads.RoutingTable.Route route) =>
        new(route.Prefix.ToString(), route.NextHop.ToString(), route.Metric, route.Active);

    private static ProblemHttpResult Loading(RoutingTableMetrics metrics)
    {
        metrics.Error("not_ready");
        return Problem(StatusCodes.Status503ServiceUnavailable, "the routing table is still loading");
    }

    private static ProblemHttpResult Problem(int status, string? detail) => TypedResults.Problem(detail: detail, statusCode: status);

    /// <summary>The response metadata a handler returning <typeparamref name="TResult"/> would get.</summary>
    private static object[] ResponseMetadata<TResult>()
        where TResult : Microsoft.AspNetCore.Http.Metadata.IEndpointMetadataProvider
    {
        var builder = new RouteEndpointBuilder(null, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/"), 0);
        TResult.PopulateMetadata(typeof(RoutingTableApi).GetMethod(nameof(GetDestination), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!, builder);
        return [.. builder.Metadata];
    }
}
