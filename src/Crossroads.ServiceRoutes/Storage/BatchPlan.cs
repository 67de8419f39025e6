namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// What a write batch does: one result per request in request order (<see cref="RouteWriteResult"/> or
/// <see cref="SplitWriteResult"/>), the route and split changes to write (each list in decision order), the final revision.
/// </summary>
internal sealed record BatchPlan(object[] Results, List<PendingChange> Changes, List<PendingSplitChange> SplitChanges, long Revision)
{
    /// <summary>The idempotency keys to store (insert, or replace an expired one), with the outcomes answered.</summary>
    public IReadOnlyList<IdempotencyRecord> KeyWrites { get; init; } = [];

    /// <summary>When set, idempotency keys created before this are deleted in the batch's transaction.</summary>
    public DateTimeOffset? PurgeKeysBefore { get; init; }

    /// <summary>Whether the batch commits a change (and so takes revisions and signals them).</summary>
    public bool HasChanges => Changes.Count > 0 || SplitChanges.Count > 0;

    /// <summary>Whether the batch writes anything at all: changes, or only idempotency keys (outcomes that change nothing are stored too).</summary>
    public bool HasWrites => HasChanges || KeyWrites.Count > 0 || PurgeKeysBefore is not null;
}
