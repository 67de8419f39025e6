using Crossroads.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// The IP routing table: longest-prefix match over the routes file, metric updates made durable by the journal (one
/// replica) or committed to the shared table on PostgreSQL that every replica applies (<c>ConnectionStrings:Crossroads</c>),
/// the Python service's API at its root paths. Loads in the background; 503 until loaded.
/// </summary>
public sealed class RoutingTableModule : CrossroadsModule
{
    /// <inheritdoc />
    public override ModuleIdentity Identity => ModuleCatalog.RoutingTable;

    /// <inheritdoc />
    public override bool LoadsInBackground => true;

    /// <summary>The Python service's environment names, plus <c>DATA_DIR</c>.</summary>
    public override IReadOnlyList<ConfigurationAlias> Aliases { get; } =
    [
        new("ROUTES_FILE", nameof(RoutingTableOptions.RoutesFile)),
        new("MAX_METRIC", nameof(RoutingTableOptions.MaxMetric)),
        new("DATA_DIR", nameof(RoutingTableOptions.DataDirectory)),
    ];

    /// <summary>
    /// Lookup clients are a few busy internal services (a load balancer, a route server): one client may use all
    /// that one core serves (~50-70k lookups/s over HTTP here), so the read budget sits well above it. Writes stay limited.
    /// </summary>
    public override ModuleRateLimitOptions RateLimits { get; } = new()
    {
        Reads = new TokenBucketSettings { PermitsPerSecond = 500_000, Burst = 1_000_000 },
        Writes = new TokenBucketSettings { PermitsPerSecond = 50, Burst = 100 },
        PartitionBy = RateLimitScope.Client,
    };

    /// <inheritdoc />
    public override void AddServices(ModuleServices module)
    {
        ArgumentNullException.ThrowIfNull(module);
        module.AddOptions<RoutingTableOptions>();
        module.Services.TryAddSingleton(TimeProvider.System);
        if (RoutingTablePreload.Start(module.Configuration) is { } preload)
        {
            module.Services.AddSingleton(preload);
        }

        module.Services.AddSingleton<RoutingTableState>();
        module.Services.AddSingleton<RoutingTableMetrics>();
        module.Services.AddHostedService<RoutingTableLoader>();
        module.Services.AddHealthChecks().AddCheck<RoutingTableDatabaseHealthCheck>(
            ModuleCatalog.RoutingTable.Name + ".database",
            tags: [HealthTags.Ready]);
        module.Services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, RoutingTableJsonContext.Default));
    }

    /// <inheritdoc />
    public override void MapEndpoints(IEndpointRouteBuilder group) => group.MapRoutingTableApi();
}
