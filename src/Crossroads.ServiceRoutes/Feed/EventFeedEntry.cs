namespace Crossroads.ServiceRoutes;

/// <summary>One event of the event feed (<see cref="IServiceRouteStore.EventsSinceAsync"/>): an outbox message as stored.</summary>
/// <param name="EventId">The change's event id (its audit event's).</param>
/// <param name="Revision">The change's revision; consecutive entries have consecutive revisions.</param>
/// <param name="Payload">The JSON message, the same text the broker gets (see <see cref="OutboxMessage.Payload"/>).</param>
/// <param name="OccurredAt">When the change was made (UTC).</param>
public sealed record EventFeedEntry(Guid EventId, long Revision, string Payload, DateTimeOffset OccurredAt);
