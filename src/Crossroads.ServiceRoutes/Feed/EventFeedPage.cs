namespace Crossroads.ServiceRoutes;

/// <summary>A page of the event feed.</summary>
/// <param name="Events">The events after the requested revision, in revision order without gaps; empty when there are none yet.</param>
/// <param name="OldestRetainedRevision">
/// The lowest revision the outbox still holds (the current revision + 1 when it holds none): a consumer can resume
/// from any revision at or above this minus one.
/// </param>
/// <param name="CurrentRevision">The last committed revision when the page was read (at least the last event's).</param>
public sealed record EventFeedPage(IReadOnlyList<EventFeedEntry> Events, long OldestRetainedRevision, long CurrentRevision)
{
    /// <summary>The revision to ask from next: the last event's, or the requested one when the page is empty.</summary>
    public long NextSince(long since) => Events.Count > 0 ? Events[^1].Revision : since;
}
