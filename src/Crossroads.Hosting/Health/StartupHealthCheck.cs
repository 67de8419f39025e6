using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Hosting.Health;

/// <summary>Healthy once every enabled module is ready; backs the startup probe and is part of readiness.</summary>
internal sealed class StartupHealthCheck(ModuleSet modules) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (modules.AllReady)
        {
            return Task.FromResult(HealthCheckResult.Healthy("every module is ready"));
        }

        var waiting = modules.Statuses.Where(static s => s.State != ModuleState.Ready).Select(static s => $"{s.Identity.Name} {s.State.ToString().ToLowerInvariant()}");
        return Task.FromResult(HealthCheckResult.Unhealthy("initial load has not finished: " + string.Join(", ", waiting)));
    }
}
