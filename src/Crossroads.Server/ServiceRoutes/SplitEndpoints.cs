using System.Text.Json;
using Crossroads.Hosting;
using Crossroads.Hosting.Json;
using Crossroads.Server.ApiDocs;
using Crossroads.ServiceRoutes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// Weighted splits: <c>PUT /splits</c> <c>{tenant,service,env,weights:{"v1":90,"v2":10}}</c>, <c>GET</c> and
/// <c>DELETE /splits?tenant=&amp;service=&amp;env=</c>. Resolves without a version pick from the split.
/// </summary>
internal static class SplitEndpoints
{
    private static readonly string[] SplitFields = ["tenant", "service", "env"];
    private static readonly string[] PutFields = ["tenant", "service", "env", "weights"];

    public static void MapSplits(this IEndpointRouteBuilder endpoints, ServiceRoutesRuntime runtime)
    {
        endpoints.MapPut("/splits", (HttpContext context, CancellationToken cancellationToken) => PutAsync(context, runtime, cancellationToken))
            .RequireWriteAccess()
            .Produces<SplitResponse>()
            .Produces<SplitResponse>(StatusCodes.Status201Created)
            .WithName("PutSplit")
            .WithSummary("Sets the weights of (tenant, service, env): versions with active routes, integer percents summing to 100.")
            .Documented(new ApiDoc()
                .WriteHeaders("split")
                .JsonBody(
                    $"tenant, service and env (strings matching {RouteValidation.NamePattern}) and weights, an object of 1 to {RouteValidation.MaxSplitVersions} versions (names as above) to integer percents 1 to 100 summing to 100; all required, no other member; at most {JsonBody.MaxBytes / 1024} KiB. Every version needs an active route (else 409 with unavailable_versions).",
                    $$$"""{"tenant":"{{{ServiceRoutesApiDocs.ExampleTenant}}}","service":"{{{ServiceRoutesApiDocs.ExampleService}}}","env":"{{{ServiceRoutesApiDocs.ExampleEnv}}}","weights":{"v1":90,"v2":10}}""")
                .Returns(200, "application/json", "The split was updated, or already had these weights (nothing written). ETag is its revision.")
                .Returns(201, "application/json", "The split was created. ETag is its revision.")
                .Problems(400, 409, 412, 413, 415, 422, 503));
        endpoints.MapGet("/splits", (HttpContext context) => Get(context, runtime))
            .Produces<SplitResponse>()
            .WithName("GetSplit")
            .WithSummary("The split of tenant/service/env (query parameters).")
            .Documented(SplitKeyDoc(new ApiDoc())
                .Correlation()
                .Returns(200, "application/json", "The split, from this replica's cache. ETag is its revision.")
                .Problems(400, 404, 503));
        endpoints.MapDelete("/splits", (HttpContext context, CancellationToken cancellationToken) => DeleteAsync(context, runtime, cancellationToken))
            .RequireWriteAccess()
            .Produces<SplitDeletedResponse>()
            .WithName("DeleteSplit")
            .WithSummary("Deletes the split of tenant/service/env (query parameters).")
            .Documented(SplitKeyDoc(new ApiDoc())
                .WriteHeaders("split")
                .Returns(200, "application/json", "The split is deleted; revision is the deletion's.")
                .Problems(400, 404, 412, 422, 503));
    }

    private static ApiDoc SplitKeyDoc(ApiDoc doc) => doc
        .Name("tenant", "The split's tenant.", required: true, ServiceRoutesApiDocs.ExampleTenant)
        .Name("service", "The split's service.", required: true, ServiceRoutesApiDocs.ExampleService)
        .Name("env", "The split's environment.", required: true, ServiceRoutesApiDocs.ExampleEnv);

    private static IResult Get(HttpContext context, ServiceRoutesRuntime runtime)
    {
        WriteContext.Correlate(context);
        if (!runtime.IsReady)
        {
            return TrafficManagerProblems.Loading();
        }

        if (KeyFromQuery(context.Request.Query, out var key) is { } error)
        {
            return error;
        }

        if (runtime.Cache.FindSplit(key) is not { } split)
        {
            return SplitNotFound(key);
        }

        context.Response.Headers.ETag = WriteContext.ETag(split.Revision);
        return new SizedJsonResult<SplitResponse>(split.ToResponse(), ServiceRoutesJsonContext.Default.SplitResponse);
    }

    private static async Task<IResult> PutAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
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

        var (body, bodyError) = await JsonBody.ReadAsync(context.Request, PutFields, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return bodyError!;
        }

        using (body)
        {
            var (values, missing, typeError) = body.Strings(SplitFields);
            if (typeError is not null)
            {
                return TrafficManagerProblems.Validation(typeError);
            }

            if (!body.Root.TryGetProperty("weights", out var weightsElement) || weightsElement.ValueKind == JsonValueKind.Null)
            {
                missing.Add("weights");
            }

            if (missing.Count > 0)
            {
                return TrafficManagerProblems.MissingFields(PutFields, missing);
            }

            if (ReadWeights(weightsElement) is not { } weights)
            {
                return TrafficManagerProblems.Validation("weights: must be an object of version → integer percent, e.g. {\"v1\":90,\"v2\":10}");
            }

            var key = new SplitKey(values["tenant"], values["service"], values["env"]);
            var errors = RouteValidation.Validate(key).Concat(RouteValidation.CheckWeights(weights)).ToList();
            if (errors.Count > 0)
            {
                return TrafficManagerProblems.Validation(errors);
            }

            if (write.MustExist && runtime.Cache.FindSplit(key) is null)
            {
                return TrafficManagerProblems.PreconditionFailed($"split {key}", null);
            }

            var options = write.Options(context.Request, body.Bytes);
            return await ExecuteAsync(
                context,
                runtime,
                key,
                (store, token) => store.PutSplitAsync(key, weights, write.Actor, write.CorrelationId, options, token)).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var (write, headerError) = WriteContext.From(context);
        if (headerError is not null)
        {
            return headerError;
        }

        if (!runtime.IsReady)
        {
            return TrafficManagerProblems.Loading();
        }

        if (KeyFromQuery(context.Request.Query, out var key) is { } error)
        {
            return error;
        }

        if (write.MustExist && runtime.Cache.FindSplit(key) is null)
        {
            return TrafficManagerProblems.PreconditionFailed($"split {key}", null);
        }

        var options = write.Options(context.Request, []);
        return await ExecuteAsync(
            context,
            runtime,
            key,
            (store, token) => store.DeleteSplitAsync(key, write.Actor, write.CorrelationId, options, token)).ConfigureAwait(false);
    }

    private static async Task<IResult> ExecuteAsync(
        HttpContext context,
        ServiceRoutesRuntime runtime,
        SplitKey key,
        Func<IServiceRouteStore, CancellationToken, Task<SplitWriteResult>> write)
    {
        var (result, problem) = await StoreCall.RunAsync(context, runtime, write, CancellationToken.None).ConfigureAwait(false);
        if (result is null)
        {
            return problem!;
        }

        if (result.Replayed)
        {
            context.Response.Headers[WriteContext.ReplayedHeader] = "true";
        }
        else if (result.Event is { } change)
        {
            if (result.Split is { } split)
            {
                runtime.Cache.Apply(split);
            }
            else
            {
                runtime.Cache.RemoveSplit(key, change.Revision);
            }

            runtime.Committed(change.Revision);
        }

        switch (result.Status)
        {
            case SplitWriteStatus.IdempotencyConflict:
                return TrafficManagerProblems.IdempotencyConflict(context.Request.Headers[WriteContext.IdempotencyHeader]);
            case SplitWriteStatus.NotFound:
                return SplitNotFound(key);
            case SplitWriteStatus.RevisionMismatch:
                return TrafficManagerProblems.PreconditionFailed($"split {key}", result.Split?.Revision);
            case SplitWriteStatus.VersionsUnavailable:
                return TrafficManagerProblems.Create(
                    StatusCodes.Status409Conflict,
                    "Conflict",
                    $"every version of a split needs an active route; missing or inactive: {string.Join(", ", result.UnavailableVersions)}",
                    ("unavailable_versions", result.UnavailableVersions.ToArray()));
            case SplitWriteStatus.Deleted:
                return new SizedJsonResult<SplitDeletedResponse>(
                    new SplitDeletedResponse(key.Tenant, key.Service, key.Env, true, result.Event!.Revision),
                    ServiceRoutesJsonContext.Default.SplitDeletedResponse);
        }

        var current = result.Split!;
        context.Response.Headers.ETag = WriteContext.ETag(current.Revision);
        return new SizedJsonResult<SplitResponse>(
            current.ToResponse(),
            ServiceRoutesJsonContext.Default.SplitResponse,
            result.Status == SplitWriteStatus.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static ProblemHttpResult? KeyFromQuery(IQueryCollection query, out SplitKey key)
    {
        key = default;
        var missing = SplitFields.Where(name => QueryValues.Optional(query, name) is null).ToList();
        if (missing.Count > 0)
        {
            return TrafficManagerProblems.MissingParameters(SplitFields, missing);
        }

        key = new SplitKey(QueryValues.Optional(query, "tenant")!, QueryValues.Optional(query, "service")!, QueryValues.Optional(query, "env")!);
        return RouteValidation.Validate(key) is { Count: > 0 } errors ? TrafficManagerProblems.Validation(errors) : null;
    }

    private static Dictionary<string, int>? ReadWeights(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var weights = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetInt32(out int weight) || !weights.TryAdd(member.Name, weight))
            {
                return null;
            }
        }

        return weights;
    }

    private static ProblemHttpResult SplitNotFound(SplitKey key) =>
        TrafficManagerProblems.Create(StatusCodes.Status404NotFound, "Split not found", $"No split defined for {key}");
}
