using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Hosting.Modules;

/// <summary>One module's readiness as a health check named after it, so <c>/health/ready</c> lists modules by name.</summary>
internal sealed class ModuleHealthCheck(ModuleStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.State switch
        {
            ModuleState.Ready => HealthCheckResult.Healthy(status.Detail ?? "ready"),
            ModuleState.Failed => HealthCheckResult.Unhealthy("failed: " + status.Detail),
            _ => HealthCheckResult.Unhealthy("loading"),
        });
}
