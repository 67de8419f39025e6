using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// Readiness detail of the shared table: degraded (still ready: lookups keep answering from the last applied table)
/// while PostgreSQL is unreachable, so an operator sees it without the load balancer pulling the replica. Healthy with
/// a note when updates are journaled locally (no connection string).
/// </summary>
internal sealed class RoutingTableDatabaseHealthCheck(RoutingTableState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        switch (state.Table)
        {
            case null:
                return Task.FromResult(HealthCheckResult.Healthy("loading"));
            case SharedBackend { Shared: var shared }:
                var data = new Dictionary<string, object>
                {
                    ["revision"] = shared.Revision,
                    ["listening"] = shared.Listening,
                    ["table_hash"] = shared.TableHash,
                    ["last_contact"] = shared.LastContact.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                };
                return Task.FromResult(shared.StoreReachable
                    ? HealthCheckResult.Healthy($"postgresql reachable, revision {shared.Revision}", data)
                    : HealthCheckResult.Degraded($"postgresql unreachable: lookups answer from revision {shared.Revision}, writes refused", data: data));
            default:
                return Task.FromResult(HealthCheckResult.Healthy("no database: updates are journaled by this replica only"));
        }
    }
}
