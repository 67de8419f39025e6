namespace Crossroads.ServiceRoutes;

/// <summary>
/// One committed route change, as the audit trail and the change feed hold it. Every change has exactly one event and
/// one revision; <see cref="Url"/> and <see cref="State"/> are the route's state after the change, so a cache can
/// apply events without reading the route.
/// </summary>
/// <param name="EventId">A UUID (version 7) that also identifies the change's outbox message.</param>
/// <param name="Revision">The store-wide revision the change committed as.</param>
/// <param name="Key">The route changed.</param>
/// <param name="Action">One of <see cref="AuditActions"/>.</param>
/// <param name="Url">The route's URL after the change.</param>
/// <param name="State">The route's state after the change.</param>
/// <param name="PreviousUrl">The URL before the change; null when the change created the route.</param>
/// <param name="PreviousState">The state before the change; null when the change created the route.</param>
/// <param name="ChangedBy">The actor that made the change (an API key name, a user).</param>
/// <param name="CorrelationId">The request's correlation id, if any.</param>
/// <param name="OccurredAt">When the change was made (UTC, microsecond precision). Order by <see cref="Revision"/>, not by this.</param>
public sealed record RouteAuditEvent(
    Guid EventId,
    long Revision,
    RouteKey Key,
    string Action,
    string Url,
    RouteState State,
    string? PreviousUrl,
    RouteState? PreviousState,
    string ChangedBy,
    string? CorrelationId,
    DateTimeOffset OccurredAt);
