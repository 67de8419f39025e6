using Crossroads.Server.ApiDocs;
using Crossroads.ServiceRoutes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// Traffic Manager's audit queries, newest first. The audit rows commit with the changes, so every accepted write is
/// here, with <c>previous_url</c>, <c>previous_state</c> and <c>changed_by</c> filled in.
/// </summary>
internal static class AuditEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxDays = 365;
    private const int MaxHours = 24 * 365;

    public static void MapAudit(this IEndpointRouteBuilder endpoints, ServiceRoutesRuntime runtime)
    {
        endpoints.MapGet("/audit/route", (HttpContext context, CancellationToken cancellationToken) => ForRouteAsync(context, runtime, cancellationToken))
            .Produces<RouteAuditResponse>()
            .WithName("AuditRoute")
            .WithSummary("The changes of one route: tenant, service, env, version; limit 1-1000 (default 100).")
            .Documented(new ApiDoc()
                .Name("tenant", "The route's tenant.", required: true, ServiceRoutesApiDocs.ExampleTenant)
                .Name("service", "The route's service.", required: true, ServiceRoutesApiDocs.ExampleService)
                .Name("env", "The route's environment.", required: true, ServiceRoutesApiDocs.ExampleEnv)
                .Name("version", "The route's version.", required: true, ServiceRoutesApiDocs.ExampleVersion)
                .Limit("events")
                .Correlation()
                .Returns(200, "application/json", "The route's audit events, newest first (none for a route that never existed).")
                .Problems(400, 503));
        endpoints.MapGet("/audit/recent", (HttpContext context, CancellationToken cancellationToken) => RecentAsync(context, runtime, cancellationToken))
            .Produces<RecentAuditResponse>()
            .WithName("AuditRecent")
            .WithSummary("The changes of the last days (1-365, default 7), optionally of a tenant/service/env.")
            .Documented(new ApiDoc()
                .Query("days", ApiType.Integer, $"How many days back, 1 to {MaxDays}; another value is 400 \"Invalid days\".", example: "7", defaultValue: "7")
                .Filter("the changes")
                .Limit("events")
                .Correlation()
                .Returns(200, "application/json", "The audit events of those days, newest first, each with its route.")
                .Problems(400, 503));
        endpoints.MapGet("/audit/action", (HttpContext context, CancellationToken cancellationToken) => ByActionAsync(context, runtime, cancellationToken))
            .Produces<ActionAuditResponse>()
            .WithName("AuditAction")
            .WithSummary("The changes with one action (created, updated, activated, deactivated) in the last hours (default 24).")
            .Documented(new ApiDoc()
                .Query("action", ApiType.String, "The audit action; another value is 400 \"Invalid action\" with valid_actions.", required: true, example: AuditActions.Created, allowed: AuditActions.All)
                .Query("hours", ApiType.Integer, $"How many hours back, 1 to {MaxHours}; another value is 400 \"Invalid hours\".", example: "24", defaultValue: "24")
                .Filter("the changes")
                .Limit("events")
                .Correlation()
                .Returns(200, "application/json", "The audit events with that action in those hours, newest first, each with its route.")
                .Problems(400, 503));
        endpoints.MapGet("/audit/time-range", (HttpContext context, CancellationToken cancellationToken) => BetweenAsync(context, runtime, cancellationToken))
            .Produces<TimeRangeAuditResponse>()
            .WithName("AuditTimeRange")
            .WithSummary("The changes in [start_time, end_time) (ISO 8601; no offset means UTC), optionally of one action.")
            .Documented(new ApiDoc()
                .Query("start_time", ApiType.String, "Start of the range, included: an ISO 8601 timestamp (no offset means UTC); else 400 \"Invalid timestamp format\".", required: true, example: "2026-12-01T00:00:00Z")
                .Query("end_time", ApiType.String, "End of the range, excluded: an ISO 8601 timestamp after start_time (else 400 \"Invalid time range\").", required: true, example: "2026-12-31T00:00:00Z")
                .Query("action", ApiType.String, "Only changes with this audit action; another value is 400 \"Invalid action\" with valid_actions.", example: AuditActions.Created, allowed: AuditActions.All)
                .Filter("the changes")
                .Limit("events")
                .Correlation()
                .Returns(200, "application/json", "The audit events of the range, newest first, each with its route.")
                .Problems(400, 503));
    }

    private static async Task<IResult> ForRouteAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        if (Prologue(context, runtime, out int limit) is { } error)
        {
            return error;
        }

        string? tenant = QueryValues.Optional(query, "tenant");
        string? service = QueryValues.Optional(query, "service");
        string? env = QueryValues.Optional(query, "env");
        string? version = QueryValues.Optional(query, "version");
        if (tenant is null || service is null || env is null || version is null)
        {
            var missing = TrafficManagerProblems.RouteFields.Where(name => QueryValues.Optional(query, name) is null);
            return TrafficManagerProblems.MissingParameters(TrafficManagerProblems.RouteFields, missing);
        }

        var key = new RouteKey(tenant, service, env, version);
        if (RouteValidation.Validate(key) is { Count: > 0 } errors)
        {
            return TrafficManagerProblems.Validation(errors);
        }

        return await QueryAsync(
            context,
            runtime,
            (store, token) => store.AuditForRouteAsync(key, limit, token),
            events => new RouteAuditResponse(key.ToResponse(), events.Count, [.. events.Select(static e => e.ToResponse(withRoute: false))]),
            ServiceRoutesJsonContext.Default.RouteAuditResponse,
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> RecentAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
    {
        if (Prologue(context, runtime, out int limit) is { } error)
        {
            return error;
        }

        if (!QueryValues.TryInt(context.Request.Query, "days", 7, 1, MaxDays, "Invalid days", out int days, out var daysError))
        {
            return daysError;
        }

        if (Filter(context.Request.Query, out var filter) is { } filterError)
        {
            return filterError;
        }

        return await QueryAsync(
            context,
            runtime,
            (store, token) => store.RecentAuditAsync(days, filter, limit, token),
            events => new RecentAuditResponse(days, events.Count, [.. events.Select(static e => e.ToResponse(withRoute: true))]),
            ServiceRoutesJsonContext.Default.RecentAuditResponse,
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> ByActionAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        if (Prologue(context, runtime, out int limit) is { } error)
        {
            return error;
        }

        string? action = QueryValues.Optional(query, "action");
        if (action is null)
        {
            return TrafficManagerProblems.MissingParameters(["action"], ["action"]);
        }

        if (!AuditActions.IsKnown(action))
        {
            return InvalidAction(action);
        }

        if (!QueryValues.TryInt(query, "hours", 24, 1, MaxHours, "Invalid hours", out int hours, out var hoursError))
        {
            return hoursError;
        }

        if (Filter(query, out var filter) is { } filterError)
        {
            return filterError;
        }

        return await QueryAsync(
            context,
            runtime,
            (store, token) => store.AuditByActionAsync(action, hours, filter, limit, token),
            events => new ActionAuditResponse(action, hours, events.Count, [.. events.Select(static e => e.ToResponse(withRoute: true))]),
            ServiceRoutesJsonContext.Default.ActionAuditResponse,
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> BetweenAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        if (Prologue(context, runtime, out int limit) is { } error)
        {
            return error;
        }

        string? startText = QueryValues.Optional(query, "start_time");
        string? endText = QueryValues.Optional(query, "end_time");
        if (startText is null || endText is null)
        {
            string[] required = ["start_time", "end_time"];
            return TrafficManagerProblems.MissingParameters(required, required.Where(name => QueryValues.Optional(query, name) is null));
        }

        foreach (var (name, text) in new[] { ("start_time", startText), ("end_time", endText) })
        {
            if (!QueryValues.TryTimestamp(text, out _))
            {
                return TrafficManagerProblems.Create(
                    StatusCodes.Status400BadRequest,
                    "Invalid timestamp format",
                    $"{name} must be an ISO 8601 timestamp such as 2026-12-01T15:00:00Z, got '{QueryValues.Cut(text)}'");
            }
        }

        QueryValues.TryTimestamp(startText, out var start);
        QueryValues.TryTimestamp(endText, out var end);
        if (start >= end)
        {
            return TrafficManagerProblems.Create(StatusCodes.Status400BadRequest, "Invalid time range", "start_time must be before end_time");
        }

        string? action = QueryValues.Optional(query, "action");
        if (action is not null && !AuditActions.IsKnown(action))
        {
            return InvalidAction(action);
        }

        if (Filter(query, out var filter) is { } filterError)
        {
            return filterError;
        }

        return await QueryAsync(
            context,
            runtime,
            (store, token) => store.AuditBetweenAsync(start, end, action, filter, limit, token),
            events => new TimeRangeAuditResponse(start, end, events.Count, [.. events.Select(static e => e.ToResponse(withRoute: true))]),
            ServiceRoutesJsonContext.Default.TimeRangeAuditResponse,
            cancellationToken).ConfigureAwait(false);
    }

    private static ProblemHttpResult? Prologue(HttpContext context, ServiceRoutesRuntime runtime, out int limit)
    {
        WriteContext.Correlate(context);
        limit = 0;
        if (!runtime.IsReady)
        {
            return TrafficManagerProblems.Loading();
        }

        return QueryValues.TryInt(context.Request.Query, "limit", DefaultLimit, 1, RouteValidation.MaxLimit, "Invalid limit", out limit, out var problem) ? null : problem;
    }

    private static ProblemHttpResult? Filter(IQueryCollection query, out RouteFilter filter)
    {
        filter = new RouteFilter(QueryValues.Optional(query, "tenant"), QueryValues.Optional(query, "service"), QueryValues.Optional(query, "env"));
        return RouteValidation.Validate(filter) is { Count: > 0 } errors ? TrafficManagerProblems.Validation(errors) : null;
    }

    private static ProblemHttpResult InvalidAction(string action) =>
        TrafficManagerProblems.Create(
            StatusCodes.Status400BadRequest,
            "Invalid action",
            $"action must be one of {string.Join(", ", AuditActions.All)}, got '{QueryValues.Cut(action)}'",
            ("valid_actions", AuditActions.All.ToArray()));

    private static async Task<IResult> QueryAsync<TResponse>(
        HttpContext context,
        ServiceRoutesRuntime runtime,
        Func<IServiceRouteStore, CancellationToken, Task<IReadOnlyList<RouteAuditEvent>>> query,
        Func<IReadOnlyList<RouteAuditEvent>, TResponse> shape,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResponse> typeInfo,
        CancellationToken cancellationToken)
    {
        var (events, problem) = await StoreCall.RunAsync(context, runtime, query, cancellationToken).ConfigureAwait(false);
        return events is null ? problem! : TypedResults.Json(shape(events), typeInfo);
    }
}
