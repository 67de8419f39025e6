namespace Crossroads.ServiceRoutes.Storage;

/// <summary>What a provider reads for the event feed: the counter, the outbox's lowest revision (null when empty), then the events.</summary>
internal sealed record OutboxWindow(long CurrentRevision, long? OldestRevision, List<EventFeedEntry> Events);
