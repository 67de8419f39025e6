using Crossroads.Hosting;
using Crossroads.Hosting.Json;
using Crossroads.Server.ApiDocs;
using Crossroads.ServiceRoutes;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// <c>POST /routes</c> (upsert), <c>/routes/activate</c>, <c>/routes/deactivate</c>. A write is answered after commit,
/// and this replica's cache holds it before the answer leaves (read-your-writes); other replicas catch up from the
/// change feed.
/// </summary>
internal static class RouteWriteEndpoints
{
    private const string RouteKeyBody = "tenant, service, env and version, names matching " + RouteValidation.NamePattern;

    private enum StateChange
    {
        Activate,
        Deactivate,
    }

    public static void MapRouteWrites(this IEndpointRouteBuilder endpoints, ServiceRoutesRuntime runtime)
    {
        endpoints.MapPost("/routes", (HttpContext context, CancellationToken cancellationToken) => UpsertAsync(context, runtime, cancellationToken))
            .RequireWriteAccess()
            .Produces<ServiceRouteResponse>(StatusCodes.Status201Created)
            .WithName("UpsertServiceRoute")
            .WithSummary("Creates the route or sets its URL and activates it: body {tenant,service,env,version,url}. If-Match: a revision.")
            .Documented(new ApiDoc()
                .WriteHeaders("route")
                .JsonBody(
                    $"The route: {RouteKeyBody}; url, an absolute http or https URL with a host (at most {RouteValidation.MaxUrlLength} characters, no spaces); all strings, required, no other member; at most {JsonBody.MaxBytes / 1024} KiB.",
                    $$"""{"tenant":"{{ServiceRoutesApiDocs.ExampleTenant}}","service":"{{ServiceRoutesApiDocs.ExampleService}}","env":"{{ServiceRoutesApiDocs.ExampleEnv}}","version":"{{ServiceRoutesApiDocs.ExampleVersion}}","url":"http://billing-v1:8080"}""")
                .Returns(201, "application/json", "The route after the write, active; also when nothing changed (the same URL of an active route keeps its revision). ETag is its revision.")
                .Problems(400, 412, 413, 415, 422, 503));
        endpoints.MapPost("/routes/activate", (HttpContext context, CancellationToken cancellationToken) => SetStateAsync(context, runtime, StateChange.Activate, cancellationToken))
            .RequireWriteAccess()
            .Produces<ServiceRouteResponse>()
            .WithName("ActivateServiceRoute")
            .WithSummary("Activates a route: body {tenant,service,env,version}.")
            .Documented(StateChangeDoc("activate", "already active").Problems(400, 404, 412, 413, 415, 422, 503));
        endpoints.MapPost("/routes/deactivate", (HttpContext context, CancellationToken cancellationToken) => SetStateAsync(context, runtime, StateChange.Deactivate, cancellationToken))
            .RequireWriteAccess()
            .Produces<ServiceRouteResponse>()
            .WithName("DeactivateServiceRoute")
            .WithSummary("Deactivates a route (its URL is kept): body {tenant,service,env,version}. 409 while a split weights it.")
            .Documented(StateChangeDoc("deactivate", "already inactive").Problems(400, 404, 409, 412, 413, 415, 422, 503));
    }

    private static ApiDoc StateChangeDoc(string verb, string unchanged) => new ApiDoc()
        .WriteHeaders("route")
        .JsonBody(
            $"The route to {verb}: {RouteKeyBody}; all strings, required, no other member; at most {JsonBody.MaxBytes / 1024} KiB.",
            $$"""{"tenant":"{{ServiceRoutesApiDocs.ExampleTenant}}","service":"{{ServiceRoutesApiDocs.ExampleService}}","env":"{{ServiceRoutesApiDocs.ExampleEnv}}","version":"{{ServiceRoutesApiDocs.ExampleVersion}}"}""")
        .Returns(200, "application/json", $"The route after the write (also when it was {unchanged}: nothing is written then). ETag is its revision.");

    private static async Task<IResult> UpsertAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
    {
        var (write, headerError) = WriteContext.From(context);
        if (headerError is not null)
        {
            return headerError;
        }

        if (!runtime.IsReady)
        {
            return TrafficManagerProblems.Loading();
        }

        var (body, bodyError) = await JsonBody.ReadAsync(context.Request, TrafficManagerProblems.UpsertFields, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return bodyError!;
        }

        using (body)
        {
            var (values, missing, typeError) = body.Strings(TrafficManagerProblems.UpsertFields);
            if (typeError is not null)
            {
                return TrafficManagerProblems.Validation(typeError);
            }

            if (missing.Count > 0)
            {
                return TrafficManagerProblems.MissingFields(TrafficManagerProblems.UpsertFields, missing);
            }

            var key = new RouteKey(values["tenant"], values["service"], values["env"], values["version"]);
            string url = values["url"];
            if (RouteValidation.Validate(key, url) is { Count: > 0 } errors)
            {
                return TrafficManagerProblems.Validation(errors);
            }

            if (write.MustExist && runtime.Cache.Find(key) is null)
            {
                return TrafficManagerProblems.PreconditionFailed($"route {key}", null);
            }

            var options = write.Options(context.Request, body.Bytes);
            return await ExecuteAsync(
                context,
                runtime,
                key,
                (store, token) => store.UpsertAsync(key, url, write.Actor, write.CorrelationId, options, token),
                StatusCodes.Status201Created,
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> SetStateAsync(HttpContext context, ServiceRoutesRuntime runtime, StateChange change, CancellationToken cancellationToken)
    {
        var (write, headerError) = WriteContext.From(context);
        if (headerError is not null)
        {
            return headerError;
        }

        if (!runtime.IsReady)
        {
            return TrafficManagerProblems.Loading();
        }

        var (body, bodyError) = await JsonBody.ReadAsync(context.Request, TrafficManagerProblems.RouteFields, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return bodyError!;
        }

        using (body)
        {
            var (values, missing, typeError) = body.Strings(TrafficManagerProblems.RouteFields);
            if (typeError is not null)
            {
                return TrafficManagerProblems.Validation(typeError);
            }

            if (missing.Count > 0)
            {
                return TrafficManagerProblems.MissingFields(TrafficManagerProblems.RouteFields, missing);
            }

            var key = new RouteKey(values["tenant"], values["service"], values["env"], values["version"]);
            if (RouteValidation.Validate(key) is { Count: > 0 } errors)
            {
                return TrafficManagerProblems.Validation(errors);
            }

            var options = write.Options(context.Request, body.Bytes);
            return await ExecuteAsync(
                context,
                runtime,
                key,
                change == StateChange.Activate
                    ? (store, token) => store.ActivateAsync(key, write.Actor, write.CorrelationId, options, token)
                    : (store, token) => store.DeactivateAsync(key, write.Actor, write.CorrelationId, options, token),
                StatusCodes.Status200OK,
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> ExecuteAsync(
        HttpContext context,
        ServiceRoutesRuntime runtime,
        RouteKey key,
        Func<IServiceRouteStore, CancellationToken, Task<RouteWriteResult>> write,
        int successStatus,
        CancellationToken cancellationToken)
    {
        // The write is committed (or not) whole even if the client goes away meanwhile: do not let its abort cancel
        // a write that may already be in a batch.
        var (result, problem) = await StoreCall.RunAsync(context, runtime, write, CancellationToken.None).ConfigureAwait(false);
        if (result is null)
        {
            return problem!;
        }

        if (result.Changed && result.Route is { } changed && !result.Replayed)
        {
            runtime.Cache.Apply(changed);
            runtime.Committed(changed.Revision);
        }

        if (result.Replayed)
        {
            context.Response.Headers[WriteContext.ReplayedHeader] = "true";
        }

        switch (result.Status)
        {
            case RouteWriteStatus.IdempotencyConflict:
                return TrafficManagerProblems.IdempotencyConflict(context.Request.Headers[WriteContext.IdempotencyHeader]);
            case RouteWriteStatus.NotFound:
                return TrafficManagerProblems.WriteTargetNotFound(key);
            case RouteWriteStatus.RevisionMismatch:
                return TrafficManagerProblems.PreconditionFailed($"route {key}", result.Route?.Revision);
            case RouteWriteStatus.SplitConflict:
                return TrafficManagerProblems.Create(
                    StatusCodes.Status409Conflict,
                    "Conflict",
                    $"version {key.Version} carries weight in the split of {key.Tenant}/{key.Service}/{key.Env}; change or delete the split first");
        }

        var route = result.Route!;
        context.Response.Headers.ETag = WriteContext.ETag(route.Revision);
        return new SizedJsonResult<ServiceRouteResponse>(route.ToResponse(), ServiceRoutesJsonContext.Default.ServiceRouteResponse, successStatus);
    }
}
