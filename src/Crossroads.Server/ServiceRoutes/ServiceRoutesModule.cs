using Crossroads.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// The service route control plane (Traffic Manager's API under <c>/api/v1</c>): which URL serves (tenant, service,
/// env, version), weighted splits, audit history and a change feed; PostgreSQL or embedded SQLite; resolves from an
/// in-process cache kept current across replicas. Loads the cache in the background; 503 until loaded.
/// </summary>
public sealed class ServiceRoutesModule : CrossroadsModule
{
    /// <inheritdoc />
    public override ModuleIdentity Identity => ModuleCatalog.ServiceRoutes;

    /// <inheritdoc />
    public override string RoutePrefix => "/api/v1";

    /// <inheritdoc />
    public override bool LoadsInBackground => true;

    /// <summary>The directory of the embedded store shares the routing table's <c>DATA_DIR</c>.</summary>
    public override IReadOnlyList<ConfigurationAlias> Aliases { get; } =
    [
        new("DATA_DIR", nameof(ServiceRoutesOptions.DataDirectory)),
    ];

    /// <summary>
    /// Resolving clients are services and gateways inside the platform, each resolving often: the read budget sits
    /// above what one core serves. Writes are deployments and operators: a few hundred a second per client is plenty,
    /// and the limit keeps one runaway script from starving the shared write lock.
    /// </summary>
    public override ModuleRateLimitOptions RateLimits { get; } = new()
    {
        Reads = new TokenBucketSettings { PermitsPerSecond = 200_000, Burst = 400_000 },
        Writes = new TokenBucketSettings { PermitsPerSecond = 500, Burst = 1_000 },
        PartitionBy = RateLimitScope.Client,
    };

    /// <summary>
    /// Traffic Manager's clients read <c>error</c> and <c>message</c>: the module's own errors set them; the chassis'
    /// (401, 403, 429, 413, ...) get the title and the detail.
    /// </summary>
    public override Action<Microsoft.AspNetCore.Mvc.ProblemDetails> ShapeProblem { get; } = static problem =>
    {
        problem.Extensions.TryAdd("error", problem.Title);
        problem.Extensions.TryAdd("message", problem.Detail);
    };

    /// <inheritdoc />
    public override void AddServices(ModuleServices module)
    {
        ArgumentNullException.ThrowIfNull(module);
        module.AddOptions<ServiceRoutesOptions>();
        module.Services.TryAddSingleton(TimeProvider.System);
        module.Services.AddSingleton<ServiceRoutesRuntime>();
        module.Services.AddHostedService<ServiceRoutesLoader>();
        module.Services.AddHealthChecks().AddCheck<ServiceRoutesDatabaseHealthCheck>(
            ModuleCatalog.ServiceRoutes.Name + ".database",
            tags: [HealthTags.Ready]);
        module.Services.AddHealthChecks().AddCheck<ServiceRoutesEventsHealthCheck>(
            ModuleCatalog.ServiceRoutes.Name + ".events",
            tags: [HealthTags.Ready]);
        module.Services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServiceRoutesJsonContext.Default));
    }

    /// <inheritdoc />
    public override void MapEndpoints(IEndpointRouteBuilder group) => group.MapServiceRoutesApi();
}
