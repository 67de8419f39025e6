namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// What a write batch does: one result per request in request order (<see cref="RouteWriteResult"/> or
/// <see cref="SplitWriteResult"/>), the route and split changes to write (each list in decision order), the final revision.
/// </summary>
internal sealed record BatchPlan(object[] Results, List<PendingChange> Changes, List<PendingSplitChange> SplitChanges, long Revision)
{
    public bool HasChanges => Changes.Count > 0 || SplitChanges.Count > 0;
}
