using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// Readiness detail: degraded (still ready: resolves keep answering from the cache) while the store is unreachable,
/// so an operator sees it without the load balancer pulling the replica.
/// </summary>
internal sealed class ServiceRoutesDatabaseHealthCheck(ServiceRoutesRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (runtime.Synchronizer is not { } sync)
        {
            return Task.FromResult(HealthCheckResult.Healthy("loading"));
        }

        var data = new Dictionary<string, object>
        {
            ["provider"] = runtime.Store?.Provider ?? "",
            ["revision"] = sync.Revision,
            ["routes"] = runtime.Cache.RouteCount,
            ["last_contact"] = sync.LastContact.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        return Task.FromResult(sync.StoreReachable
            ? HealthCheckResult.Healthy($"{runtime.Store?.Provider} reachable, revision {sync.Revision}", data)
            : HealthCheckResult.Degraded($"{runtime.Store?.Provider} unreachable: resolves served from the cache (stale), writes refused", data: data));
    }
}
