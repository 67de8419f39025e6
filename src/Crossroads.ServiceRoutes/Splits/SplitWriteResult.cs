namespace Crossroads.ServiceRoutes;

/// <summary>What a split write did.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Split">The split after the write (the current one when nothing was written); null when it does not exist (or was deleted), and for <see cref="SplitWriteStatus.IdempotencyConflict"/>.</param>
/// <param name="Event">The audit event committed, or null when nothing was written.</param>
/// <param name="UnavailableVersions">For <see cref="SplitWriteStatus.VersionsUnavailable"/>: the versions without an active route, in order; else empty.</param>
public sealed record SplitWriteResult(SplitWriteStatus Status, WeightedSplit? Split, SplitAuditEvent? Event, IReadOnlyList<string> UnavailableVersions)
{
    /// <summary>Whether a change was committed (for a replay: by the first write).</summary>
    public bool Changed => Event is not null;

    /// <summary>Whether this is the stored outcome of an earlier write with the same idempotency key and fingerprint (see <see cref="RouteWriteResult.Replayed"/>).</summary>
    public bool Replayed { get; init; }
}
