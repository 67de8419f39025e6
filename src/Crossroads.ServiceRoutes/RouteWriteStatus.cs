namespace Crossroads.ServiceRoutes;

/// <summary>The domain outcome of a write. Infrastructure failures are not outcomes: they throw <see cref="StoreUnavailableException"/>.</summary>
public enum RouteWriteStatus
{
    /// <summary>An upsert created the route; a new revision was committed (HTTP 201).</summary>
    Created,

    /// <summary>An upsert changed the URL and/or reactivated the route; a new revision was committed.</summary>
    Updated,

    /// <summary>The route was inactive and is now active; a new revision was committed.</summary>
    Activated,

    /// <summary>The route was active and is now inactive; a new revision was committed.</summary>
    Deactivated,

    /// <summary>The route already was in the requested state (same URL and active; already active; already inactive): nothing was written.</summary>
    Unchanged,

    /// <summary>Activate/deactivate of a route that does not exist: nothing was written (HTTP 404).</summary>
    NotFound,

    /// <summary>The expected revision did not match the route's current one (or the route is missing): nothing was written (HTTP 412).</summary>
    RevisionMismatch,

    /// <summary>
    /// Deactivate of a version that carries weight in its service's split: nothing was written (HTTP 409). Change or
    /// delete the split first; deactivating anyway would send part of the traffic to an inactive route, and quietly
    /// re-weighting the split would change traffic shares without a split audit event.
    /// </summary>
    SplitConflict,

    /// <summary>
    /// The idempotency key was already used by this actor for a different request (another fingerprint): nothing was
    /// written (HTTP 422/409). The first request's outcome stays stored under the key.
    /// </summary>
    IdempotencyConflict,
}
