namespace Crossroads.ServiceRoutes;

/// <summary>
/// The event feed no longer holds the events right after the requested revision (they were purged with the outbox,
/// see <see cref="IServiceRouteStore.PurgeDeliveredEventsAsync"/>), or the revision is above the store's current one
/// (a consumer of another database): the consumer must reload its state and resume from the current revision (HTTP 410).
/// </summary>
public sealed class EventHistoryGoneException : Exception
{
    public EventHistoryGoneException()
    {
    }

    public EventHistoryGoneException(string message)
        : base(message)
    {
    }

    public EventHistoryGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a request from <paramref name="since"/>.</summary>
    public EventHistoryGoneException(long since, long oldestRetainedRevision, long currentRevision)
        : base($"the event feed holds revisions {oldestRetainedRevision} to {currentRevision} (and their successors); events after {since} are no longer available")
    {
        Since = since;
        OldestRetainedRevision = oldestRetainedRevision;
        CurrentRevision = currentRevision;
    }

    /// <summary>The revision asked from.</summary>
    public long Since { get; }

    /// <summary>The lowest revision still held (the current revision + 1 when none).</summary>
    public long OldestRetainedRevision { get; }

    /// <summary>The last committed revision.</summary>
    public long CurrentRevision { get; }
}
