namespace Crossroads.ServiceRoutes;

/// <summary>The domain outcome of a split write.</summary>
public enum SplitWriteStatus
{
    /// <summary>The split did not exist and was created (HTTP 201).</summary>
    Created,

    /// <summary>The split's weights changed.</summary>
    Updated,

    /// <summary>The split was deleted.</summary>
    Deleted,

    /// <summary>The split already had these weights: nothing was written.</summary>
    Unchanged,

    /// <summary>Delete of a split that does not exist: nothing was written (HTTP 404).</summary>
    NotFound,

    /// <summary>The expected revision did not match (or the split is missing): nothing was written (HTTP 412).</summary>
    RevisionMismatch,

    /// <summary>
    /// A version of the weights has no route, or an inactive one (<see cref="SplitWriteResult.UnavailableVersions"/>):
    /// nothing was written (HTTP 409/422).
    /// </summary>
    VersionsUnavailable,

    /// <summary>The idempotency key was already used by this actor for a different request: nothing was written.</summary>
    IdempotencyConflict,
}
