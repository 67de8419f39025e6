using Crossroads.Hosting.Json;
using Crossroads.Server.ApiDocs;
using Crossroads.ServiceRoutes;
using Crossroads.ServiceRoutes.Caching;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>HTTP surface of the service routes: Traffic Manager's API under <c>/api/v1</c>, plus listing, splits and the change feed.</summary>
public static class ServiceRoutesApi
{
    /// <summary>Maps the endpoints on the module's group (<c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapServiceRoutesApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // A singleton taken here, not as a handler parameter: resolving it per request would create a service scope.
        var runtime = endpoints.ServiceProvider.GetRequiredService<ServiceRoutesRuntime>();
        endpoints.MapGet("/routes/resolve", (HttpContext context) => Resolve(context, runtime))
            .DisableRequestTimeout()
            .WithName("ResolveServiceRoute")
            .WithSummary("The URL of the active route (tenant, service, env, version); without version, a weighted split picks it (key= makes it sticky).")
            .Documented(new ApiDoc()
                .Name("tenant", "The route's tenant.", required: true, ServiceRoutesApiDocs.ExampleTenant)
                .Name("service", "The route's service.", required: true, ServiceRoutesApiDocs.ExampleService)
                .Name("env", "The route's environment.", required: true, ServiceRoutesApiDocs.ExampleEnv)
                .Name("version", "The route's version; without it, the weighted split of tenant/service/env picks one (400 when that has no split).", required: false, ServiceRoutesApiDocs.ExampleVersion)
                .Query("key", ApiType.String, "Without version: makes the split's pick sticky (the same key gets the same version on every replica); without it each request picks anew. Ignored with version.", example: "user-42")
                .Header("If-None-Match", ApiType.String, "One entity tag, compared as sent: the ETag of an earlier answer (the route's revision, e.g. \"1\"); 304 while the route is still at it.")
                .Correlation()
                .Returns(200, "application/json", "The active route's URL, from this replica's cache; ETag is its revision. While the database is unreachable, the last state this replica saw, with source cache_fallback, stale true and an Age header.")
                .Returns(304, null, "If-None-Match names the route's current revision.")
                .Problems(400, 404, 503));
        endpoints.MapGet("/routes", (HttpContext context, CancellationToken cancellationToken) => ListAsync(context, runtime, cancellationToken))
            .WithName("ListServiceRoutes")
            .WithSummary("Routes (active and inactive) ordered by key, filtered by tenant/service/env; paged with limit and cursor.")
            .Produces<RouteListResponse>()
            .Documented(new ApiDoc()
                .Filter("the routes")
                .Limit("routes")
                .Query("cursor", ApiType.String, "next_cursor of the previous page, passed unchanged (opaque); absent for the first page. Another value is 400 \"Invalid cursor\".")
                .Correlation()
                .Returns(200, "application/json", "One page of routes ordered by key; next_cursor is null on the last page.")
                .Problems(400, 503));
        endpoints.MapRouteWrites(runtime);
        endpoints.MapAudit(runtime);
        endpoints.MapSplits(runtime);
        endpoints.MapEventFeed(runtime);
        return endpoints;
    }

    internal static Results<SizedJsonResult<ResolveResponse>, ProblemHttpResult, StatusCodeHttpResult> Resolve(HttpContext context, ServiceRoutesRuntime runtime)
    {
        WriteContext.Correlate(context);
        if (runtime.Synchronizer is not { } synchronizer)
        {
            return TrafficManagerProblems.Loading();
        }

        var query = context.Request.Query;
        string? tenant = query["tenant"];
        string? service = query["service"];
        string? env = query["env"];
        string? version = query["version"];
        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(service) || string.IsNullOrEmpty(env))
        {
            return TrafficManagerProblems.MissingParameters(TrafficManagerProblems.RouteFields, Missing(tenant, service, env, version));
        }

        var cache = runtime.Cache;
        if (string.IsNullOrEmpty(version))
        {
            var splitKey = new SplitKey(tenant, service, env);
            if (RouteValidation.Validate(splitKey) is { Count: > 0 } splitErrors)
            {
                return TrafficManagerProblems.Validation(splitErrors);
            }

            if (cache.FindSplit(splitKey) is not { } split)
            {
                return TrafficManagerProblems.MissingParameters(TrafficManagerProblems.RouteFields, ["version (no weighted split is defined for " + splitKey + ")"]);
            }

            version = SplitPicker.Pick(split, query["key"]);
        }

        var key = new RouteKey(tenant, service, env, version);
        // The allocation-free check first; the error list only when something is wrong.
        if (!(RouteValidation.IsValidName(tenant) && RouteValidation.IsValidName(service) && RouteValidation.IsValidName(env) && RouteValidation.IsValidName(version)))
        {
            return TrafficManagerProblems.Validation(RouteValidation.Validate(key));
        }

        if (cache.Find(key) is not { IsActive: true } route)
        {
            return TrafficManagerProblems.RouteNotFound(key);
        }

        string etag = route.ETag;
        var headers = context.Response.Headers;
        headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch is { Count: 1 } ifNoneMatch && ifNoneMatch[0] == etag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (!synchronizer.StoreReachable)
        {
            // The database is unreachable: this is the last state this replica saw, which may have moved on since.
            long age = Math.Max(0, (long)(runtime.Time.GetUtcNow() - synchronizer.LastContact).TotalSeconds);
            headers.Age = age.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new SizedJsonResult<ResolveResponse>(new ResolveResponse(tenant, service, env, version, route.Url, "cache_fallback", true), ServiceRoutesJsonContext.Default.ResolveResponse);
        }

        return new SizedJsonResult<ResolveResponse>(new ResolveResponse(tenant, service, env, version, route.Url), ServiceRoutesJsonContext.Default.ResolveResponse);
    }

    internal static async Task<IResult> ListAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
    {
        WriteContext.Correlate(context);
        if (!runtime.IsReady)
        {
            return TrafficManagerProblems.Loading();
        }

        var query = context.Request.Query;
        if (!QueryValues.TryInt(query, "limit", 100, 1, RouteValidation.MaxLimit, "Invalid limit", out int limit, out var limitError))
        {
            return limitError;
        }

        var filter = new RouteFilter(QueryValues.Optional(query, "tenant"), QueryValues.Optional(query, "service"), QueryValues.Optional(query, "env"));
        if (RouteValidation.Validate(filter) is { Count: > 0 } errors)
        {
            return TrafficManagerProblems.Validation(errors);
        }

        string? cursor = QueryValues.Optional(query, "cursor");
        try
        {
            var page = await runtime.CallAsync((store, token) => store.ListAsync(filter, limit, cursor, token), cancellationToken).ConfigureAwait(false);
            var routes = page.Routes.Select(static r => r.ToResponse()).ToList();
            return TypedResults.Json(new RouteListResponse(routes.Count, routes, page.NextCursor), ServiceRoutesJsonContext.Default.RouteListResponse);
        }
        catch (RouteValidationException e)
        {
            return TrafficManagerProblems.Create(StatusCodes.Status400BadRequest, "Invalid cursor", string.Join("; ", e.Errors));
        }
        catch (DatabaseUnavailableException e)
        {
            return TrafficManagerProblems.Unavailable(context, runtime.RetryAfterSeconds, e.Message);
        }
    }

    private static List<string> Missing(string? tenant, string? service, string? env, string? version)
    {
        var missing = new List<string>(4);
        if (string.IsNullOrEmpty(tenant))
        {
            missing.Add("tenant");
        }

        if (string.IsNullOrEmpty(service))
        {
            missing.Add("service");
        }

        if (string.IsNullOrEmpty(env))
        {
            missing.Add("env");
        }

        if (string.IsNullOrEmpty(version))
        {
            missing.Add("version");
        }

        return missing;
    }
}
