using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Hosting.Modules;

/// <summary>One module's readiness as a health check named after it, so <c>/health/ready</c> lists modules by name.</summary>
internal sealed class ModuleHealthCheck(ModuleStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = status.Data;
        return Task.FromResult(status.State switch
        {
            ModuleState.Ready => HealthCheckResult.Healthy(status.Detail ?? "ready", data: data),
            ModuleState.Failed => HealthCheckResult.Unhealthy("failed: " + status.Detail, data: data),
            _ => HealthCheckResult.Unhealthy("loading", data: data),
        });
    }
}
