using Crossroads.Hosting;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Addok's API (BAN configuration, with its CSV plugin) on the embedded index of <c>Crossroads.Geocoding</c>: <c>/search</c>,
/// <c>/reverse</c>, <c>/get/{id}</c>, <c>/search/csv</c>, <c>/reverse/csv</c> at the root, as Addok serves them, and addok-server's
/// <c>/batch</c>. Indexes its data file into a memory-mapped index file in the background (503 until ready), and swaps in a
/// new index when the data file changes.
/// </summary>
public sealed class GeocoderModule : CrossroadsModule
{
    /// <inheritdoc />
    public override ModuleIdentity Identity => ModuleCatalog.Geocoder;

    /// <summary>Addok's paths are at the root; none collides with the routing table's (its /health stays the chassis').</summary>
    public override string RoutePrefix => string.Empty;

    /// <inheritdoc />
    public override bool LoadsInBackground => true;

    /// <summary><c>GEOCODER_DATA</c> names the data file; the index file goes to the chassis' <c>DATA_DIR</c>.</summary>
    public override IReadOnlyList<ConfigurationAlias> Aliases { get; } =
    [
        new("GEOCODER_DATA", nameof(GeocoderOptions.DataFile)),
        new("DATA_DIR", nameof(GeocoderOptions.IndexDirectory)),
    ];

    /// <summary>
    /// A public API: each address gets the BAN's budget, 50 requests a second (a CSV upload counts as one). The module
    /// declares no writes.
    /// </summary>
    public override ModuleRateLimitOptions RateLimits { get; } = new()
    {
        Reads = new TokenBucketSettings { PermitsPerSecond = 50, Burst = 50 },
        Writes = new TokenBucketSettings { PermitsPerSecond = 50, Burst = 50 },
        PartitionBy = RateLimitScope.Address,
    };

    /// <summary>Addok's (Falcon's) errors carry <c>title</c> and <c>description</c>: the chassis' own (404, 413, 429, ...) get a description too.</summary>
    public override Action<Microsoft.AspNetCore.Mvc.ProblemDetails>? ShapeProblem { get; } = static problem =>
    {
        if (problem.Detail is { } detail)
        {
            problem.Extensions.TryAdd("description", detail);
        }
    };

    /// <inheritdoc />
    public override void AddServices(ModuleServices module)
    {
        ArgumentNullException.ThrowIfNull(module);
        module.AddOptions<GeocoderOptions>();
        module.Services.AddSingleton<GeocoderRuntime>();
        module.Services.AddSingleton<GeocoderMetrics>();
        module.Services.AddSingleton<GeocoderReadiness>();
        module.Services.AddHostedService<GeocoderLoader>();
    }

    /// <inheritdoc />
    public override void MapEndpoints(IEndpointRouteBuilder group) => group.MapGeocoderApi();
}
