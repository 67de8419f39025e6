namespace Crossroads.ServiceRoutes;

/// <summary>A change notification waiting to be published (transactional outbox).</summary>
/// <param name="EventId">The change's event id (the same as its audit event's): consumers deduplicate on it.</param>
/// <param name="Revision">The change's revision.</param>
/// <param name="Payload">
/// The JSON message: <c>event_id, event_type ("route_changed"), action, tenant, service, env, version, url,
/// occurred_at, correlation_id, revision, previous_url, changed_by</c>. The same text on both stores.
/// </param>
/// <param name="OccurredAt">When the change was made (UTC).</param>
/// <param name="Attempts">How many times the message has been claimed, this claim included.</param>
public sealed record OutboxMessage(Guid EventId, long Revision, string Payload, DateTimeOffset OccurredAt, int Attempts);
