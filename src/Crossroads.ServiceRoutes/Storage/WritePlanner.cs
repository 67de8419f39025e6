namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// The write rules, in one place so both providers decide alike. Requests that would not change anything write
/// nothing and take no revision: a revision means "something changed", so caches and feed consumers are never woken
/// for nothing, and a client retrying a write it is unsure about gets the same end state without a second event.
/// </summary>
internal static class WritePlanner
{
    /// <summary>The route keys a batch must read: those it writes, and the versions of the splits it puts.</summary>
    public static HashSet<RouteKey> RouteKeysOf(IEnumerable<WriteRequest> requests)
    {
        var keys = new HashSet<RouteKey>();
        foreach (var request in requests)
        {
            if (request.Kind == WriteKind.PutSplit)
            {
                keys.UnionWith(request.Weights!.Keys.Select(request.SplitKey.Route));
            }
            else if (!request.IsSplit)
            {
                keys.Add(request.Key);
            }
        }

        return keys;
    }

    /// <summary>The split keys a batch must read: those it writes, and those of the routes it deactivates.</summary>
    public static HashSet<SplitKey> SplitKeysOf(IEnumerable<WriteRequest> requests)
    {
        var keys = new HashSet<SplitKey>();
        foreach (var request in requests)
        {
            if (request.IsSplit)
            {
                keys.Add(request.SplitKey);
            }
            else if (request.Kind == WriteKind.Deactivate)
            {
                keys.Add(new SplitKey(request.Key.Tenant, request.Key.Service, request.Key.Env));
            }
        }

        return keys;
    }

    /// <summary>The idempotency keys a batch must read: those its writes carry.</summary>
    public static HashSet<IdempotencyScope> IdempotencyScopesOf(IEnumerable<WriteRequest> requests) =>
        [.. requests.Where(static r => r.Idempotency is not null).Select(static r => new IdempotencyScope(r.Actor, r.Idempotency!.Key))];

    /// <summary>
    /// Decides a batch of writes in order, as if each ran alone after the one before: a write sees the effect of an
    /// earlier write in the batch. Changes take consecutive revisions after <paramref name="revision"/>.
    /// </summary>
    /// <param name="requests">The writes, in arrival order.</param>
    /// <param name="revision">The counter's value, read under the store's write lock.</param>
    /// <param name="routes">The current rows of <see cref="RouteKeysOf"/> (missing ones absent), read under that lock.</param>
    /// <param name="splits">The current rows of <see cref="SplitKeysOf"/>, read under that lock.</param>
    /// <param name="now">The batch's commit time.</param>
    /// <param name="keys">The stored idempotency keys of <see cref="IdempotencyScopesOf"/>, read under that lock.</param>
    /// <param name="keysValidFrom">Keys created before this have expired: they count as unused.</param>
    public static BatchPlan PlanBatch(
        IReadOnlyList<WriteRequest> requests,
        long revision,
        IReadOnlyDictionary<RouteKey, ServiceRoute> routes,
        IReadOnlyDictionary<SplitKey, WeightedSplit> splits,
        DateTimeOffset now,
        IReadOnlyDictionary<IdempotencyScope, IdempotencyRecord>? keys = null,
        DateTimeOffset keysValidFrom = default)
    {
        var routeState = new Dictionary<RouteKey, ServiceRoute>(routes);
        var splitState = new Dictionary<SplitKey, WeightedSplit>(splits);
        var keyState = keys is null ? [] : new Dictionary<IdempotencyScope, IdempotencyRecord>(keys);
        var results = new object[requests.Count];
        var changes = new List<PendingChange>();
        var splitChanges = new List<PendingSplitChange>();
        var keyWrites = new List<IdempotencyRecord>();
        long firstRevision = revision;
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            IdempotencyScope scope = default;
            if (request.Idempotency is { } idempotency)
            {
                // A key already used answers from its record, whatever the state now: the same request gets the first
                // outcome, another request a conflict. Keys recorded earlier in this batch count, so concurrent retries
                // behave as if sequential.
                scope = new IdempotencyScope(request.Actor, idempotency.Key);
                if (keyState.TryGetValue(scope, out var used) && used.CreatedAt >= keysValidFrom)
                {
                    results[i] = Replay(request, idempotency, used);
                    continue;
                }
            }

            results[i] = request.IsSplit
                ? PlanSplit(request, revision, now, routeState, splitState, splitChanges)
                : PlanRoute(request, revision, now, routeState, splitState, changes);
            revision = firstRevision + changes.Count + splitChanges.Count;

            if (request.Idempotency is { } key)
            {
                var record = new IdempotencyRecord(scope, key.Fingerprint, results[i], now);
                keyState[scope] = record;
                keyWrites.Add(record);
            }
        }

        return new BatchPlan(results, changes, splitChanges, revision) { KeyWrites = keyWrites };
    }

    /// <summary>Decides a split write; a change takes <paramref name="revision"/> + 1 and updates <paramref name="splitState"/>.</summary>
    private static SplitWriteResult PlanSplit(
        WriteRequest request, long revision, DateTimeOffset now, Dictionary<RouteKey, ServiceRoute> routeState, Dictionary<SplitKey, WeightedSplit> splitState, List<PendingSplitChange> splitChanges)
    {
        var current = splitState.GetValueOrDefault(request.SplitKey);
        if (DecideSplit(request, current, routeState) is { } outcome)
        {
            return outcome;
        }

        var change = new PendingSplitChange(request, current, now, revision + 1);
        splitChanges.Add(change);
        if (change.Split is { } split)
        {
            splitState[request.SplitKey] = split;
        }
        else
        {
            splitState.Remove(request.SplitKey);
        }

        return change.Result;
    }

    /// <summary>Decides a route write; a change takes <paramref name="revision"/> + 1 and updates <paramref name="routeState"/>.</summary>
    private static RouteWriteResult PlanRoute(
        WriteRequest request, long revision, DateTimeOffset now, Dictionary<RouteKey, ServiceRoute> routeState, Dictionary<SplitKey, WeightedSplit> splitState, List<PendingChange> changes)
    {
        var current = routeState.GetValueOrDefault(request.Key);
        var decision = Decide(request, current, splitState.GetValueOrDefault);
        if (decision.NoWrite is { } outcome)
        {
            return outcome;
        }

        var change = new PendingChange(request, current, decision, now, revision + 1);
        changes.Add(change);
        routeState[request.Key] = change.Route;
        return change.Result;
    }

    /// <summary>The answer to a write whose idempotency key is in use: the stored outcome flagged as a replay, or a conflict.</summary>
    private static object Replay(WriteRequest request, IdempotencyKey key, IdempotencyRecord used)
    {
        bool sameRequest = string.Equals(used.Fingerprint, key.Fingerprint, StringComparison.Ordinal);
        return (request.IsSplit, used.Result) switch
        {
            (false, RouteWriteResult first) when sameRequest => first with { Replayed = true },
            (true, SplitWriteResult first) when sameRequest => first with { Replayed = true },
            (false, _) => new RouteWriteResult(RouteWriteStatus.IdempotencyConflict, null, null),
            (true, _) => new SplitWriteResult(SplitWriteStatus.IdempotencyConflict, null, null, []),
        };
    }

    /// <summary>Decides a route write given the route's current row and a way to find its service's split.</summary>
    public static WriteDecision Decide(WriteRequest request, ServiceRoute? current, Func<SplitKey, WeightedSplit?> splitOf)
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

        var key = request.Key;
        if (target == RouteState.Inactive && splitOf(new SplitKey(key.Tenant, key.Service, key.Env)) is { } split && split.Weights.ContainsKey(key.Version))
        {
            return WriteDecision.Without(RouteWriteStatus.SplitConflict, current);
        }

        return new WriteDecision(null, target == RouteState.Active ? AuditActions.Activated : AuditActions.Deactivated, current.Url, target);
    }

    /// <summary>The outcome of a split write that writes nothing, or null when it changes the split.</summary>
    private static SplitWriteResult? DecideSplit(WriteRequest request, WeightedSplit? current, Dictionary<RouteKey, ServiceRoute> routes)
    {
        if (request.Kind == WriteKind.DeleteSplit)
        {
            if (current is null)
            {
                return new SplitWriteResult(SplitWriteStatus.NotFound, null, null, []);
            }

            return request.ExpectedRevision is { } expected && expected != current.Revision
                ? new SplitWriteResult(SplitWriteStatus.RevisionMismatch, current, null, [])
                : null;
        }

        if (request.ExpectedRevision is { } expectedRevision && expectedRevision != (current?.Revision ?? 0))
        {
            return new SplitWriteResult(SplitWriteStatus.RevisionMismatch, current, null, []);
        }

        var weights = request.Weights!;
        var unavailable = weights.Keys
            .Where(version => !(routes.TryGetValue(request.SplitKey.Route(version), out var route) && route.IsActive))
            .ToList();
        if (unavailable.Count > 0)
        {
            return new SplitWriteResult(SplitWriteStatus.VersionsUnavailable, current, null, unavailable);
        }

        return current is not null && current.Weights.Equals(weights)
            ? new SplitWriteResult(SplitWriteStatus.Unchanged, current, null, [])
            : null;
    }
}
