namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// The write rules, in one place so both providers decide alike. Requests that would not change the route write
/// nothing and take no revision: a revision means "something changed", so caches and feed consumers are never woken
/// for nothing, and a client retrying a write it is unsure about gets the same end state without a second event.
/// </summary>
internal static class WritePlanner
{
    /// <summary>
    /// Decides a batch of writes in order, as if each ran alone after the one before: a write sees the effect of an
    /// earlier write to the same route in the batch. Changes take consecutive revisions after <paramref name="revision"/>.
    /// </summary>
    /// <param name="requests">The writes, in arrival order.</param>
    /// <param name="revision">The counter's value, read under the store's write lock.</param>
    /// <param name="routes">The current rows of the routes the batch touches (missing ones absent), read under that lock.</param>
    /// <param name="now">The batch's commit time.</param>
    public static BatchPlan PlanBatch(IReadOnlyList<WriteRequest> requests, long revision, IReadOnlyDictionary<RouteKey, ServiceRoute> routes, DateTimeOffset now)
    {
        var state = new Dictionary<RouteKey, ServiceRoute>(routes);
        var results = new RouteWriteResult[requests.Count];
        var changes = new List<PendingChange>();
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var current = state.GetValueOrDefault(request.Key);
            var decision = Decide(request, current);
            if (decision.NoWrite is { } outcome)
            {
                results[i] = outcome;
                continue;
            }

            var change = new PendingChange(request, current, decision, now, ++revision);
            changes.Add(change);
            state[request.Key] = change.Route;
            results[i] = change.Result;
        }

        return new BatchPlan(results, changes, revision);
    }

    public static WriteDecision Decide(WriteRequest request, ServiceRoute? current)
    {
        if (request.Kind == WriteKind.Upsert)
        {
            // An expected revision of 0 asks for creation only (no route has revision 0), like If-None-Match: *.
            if (request.ExpectedRevision is { } expected && expected != (current?.Revision ?? 0))
            {
                return WriteDecision.Without(RouteWriteStatus.RevisionMismatch, current);
            }

            string url = request.Url!;
            if (current is null)
            {
                return new WriteDecision(null, AuditActions.Created, url, RouteState.Active);
            }

            return current.IsActive && string.Equals(current.Url, url, StringComparison.Ordinal)
                ? WriteDecision.Without(RouteWriteStatus.Unchanged, current)
                : new WriteDecision(null, AuditActions.Updated, url, RouteState.Active);
        }

        // Activate/deactivate of a missing route is "not found" even with an expected revision: there is nothing the
        // revision could have been compared with, and 404 tells the client more than 412.
        if (current is null)
        {
            return WriteDecision.Without(RouteWriteStatus.NotFound, null);
        }

        if (request.ExpectedRevision is { } expectedRevision && expectedRevision != current.Revision)
        {
            return WriteDecision.Without(RouteWriteStatus.RevisionMismatch, current);
        }

        var target = request.Kind == WriteKind.Activate ? RouteState.Active : RouteState.Inactive;
        if (current.State == target)
        {
            return WriteDecision.Without(RouteWriteStatus.Unchanged, current);
        }

        return new WriteDecision(null, target == RouteState.Active ? AuditActions.Activated : AuditActions.Deactivated, current.Url, target);
    }
}
