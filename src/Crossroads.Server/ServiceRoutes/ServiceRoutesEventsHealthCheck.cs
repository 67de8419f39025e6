using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// Readiness detail of event delivery: degraded (still ready: writes succeed and events wait in the outbox) while the
/// relay keeps failing, so a dead broker or webhook is visible before the outbox grows large.
/// </summary>
internal sealed class ServiceRoutesEventsHealthCheck(ServiceRoutesRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (runtime.Relay is not { } relay)
        {
            return Task.FromResult(HealthCheckResult.Healthy(runtime.IsReady ? "no event targets configured (the change feed still works)" : "loading"));
        }

        var status = relay.Status;
        var data = new Dictionary<string, object>
        {
            ["sinks"] = string.Join(",", relay.SinkNames),
            ["leader"] = status.IsLeader,
            ["delivered"] = status.Delivered,
            ["last_delivered_revision"] = status.LastDeliveredRevision,
            ["consecutive_failures"] = status.ConsecutiveFailures,
        };
        return Task.FromResult(status.ConsecutiveFailures == 0
            ? HealthCheckResult.Healthy(status.IsLeader ? "delivering events" : "standing by (another replica delivers)", data)
            : HealthCheckResult.Degraded($"event delivery failing ({status.ConsecutiveFailures} attempts): {status.LastError}; events wait in the outbox", data: data));
    }
}
