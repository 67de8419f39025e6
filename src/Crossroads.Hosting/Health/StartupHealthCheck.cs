using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Hosting.Health;

/// <summary>Unhealthy until a module calls <see cref="StartupState.MarkStarted"/>; backs both the startup and readiness probes.</summary>
internal sealed class StartupHealthCheck(StartupState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsStarted
            ? HealthCheckResult.Healthy("initial load finished")
            : HealthCheckResult.Unhealthy("initial load has not finished"));
}
