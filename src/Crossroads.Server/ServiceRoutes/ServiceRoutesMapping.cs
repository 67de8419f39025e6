using Crossroads.ServiceRoutes;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>Domain values to wire shapes.</summary>
internal static class ServiceRoutesMapping
{
    public static ServiceRouteResponse ToResponse(this ServiceRoute route) =>
        new(route.Key.Tenant, route.Key.Service, route.Key.Env, route.Key.Version, route.Url, route.IsActive, route.Revision, route.CreatedAt, route.UpdatedAt);

    public static RouteKeyResponse ToResponse(this RouteKey key) => new(key.Tenant, key.Service, key.Env, key.Version);

    public static SplitResponse ToResponse(this WeightedSplit split) =>
        new(split.Key.Tenant, split.Key.Service, split.Key.Env, split.Weights, split.Revision, split.CreatedAt, split.UpdatedAt);

    /// <summary>An audit event; <paramref name="withRoute"/> adds the route's key (for queries spanning routes).</summary>
    public static AuditEventResponse ToResponse(this RouteAuditEvent e, bool withRoute) =>
        new(
            e.EventId,
            e.Action,
            e.Url,
            e.PreviousUrl,
            e.PreviousState is { } previous ? StateName(previous) : null,
            StateName(e.State),
            e.ChangedBy,
            e.CorrelationId,
            e.Revision,
            e.OccurredAt,
            // Traffic Manager stamped processed_at when its consumer wrote the audit row; here the audit row commits
            // with the change itself.
            e.OccurredAt,
            withRoute ? e.Key.ToResponse() : null);

    public static string StateName(RouteState state) => state == RouteState.Active ? "active" : "inactive";
}
