using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Hosting.Health;

/// <summary>Unhealthy once shutdown began, so readiness fails immediately on SIGTERM.</summary>
internal sealed class DrainHealthCheck(DrainState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDraining
            ? HealthCheckResult.Unhealthy("shutting down")
            : HealthCheckResult.Healthy("accepting traffic"));
}
