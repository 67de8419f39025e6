using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Server.RoutingTable;

/// <summary>Ready once the table is loaded.</summary>
internal sealed class RoutingTableHealthCheck(RoutingTableState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Table is { } table
            ? HealthCheckResult.Healthy($"{table.Table.Current.RouteCount} routes")
            : HealthCheckResult.Unhealthy(state.Failure ?? "loading"));
}
