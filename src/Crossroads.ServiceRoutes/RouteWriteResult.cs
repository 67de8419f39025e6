namespace Crossroads.ServiceRoutes;

/// <summary>What a write did.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Route">
/// The route after the write: the new state when something was written, the current state for
/// <see cref="RouteWriteStatus.Unchanged"/> and <see cref="RouteWriteStatus.RevisionMismatch"/> (so the caller can report
/// the actual revision), null when the route does not exist and for <see cref="RouteWriteStatus.IdempotencyConflict"/>.
/// </param>
/// <param name="Event">The audit event committed, or null when nothing was written.</param>
public sealed record RouteWriteResult(RouteWriteStatus Status, ServiceRoute? Route, RouteAuditEvent? Event)
{
    /// <summary>
    /// Whether a change was committed (and so a revision, an audit row and an outbox message written). For a replay,
    /// whether the first write committed one: this call wrote nothing.
    /// </summary>
    public bool Changed => Event is not null;

    /// <summary>
    /// Whether this is the stored outcome of an earlier write with the same idempotency key and fingerprint: nothing
    /// was done now, and <see cref="Status"/>, <see cref="Route"/> and <see cref="Event"/> are as the first write answered.
    /// </summary>
    public bool Replayed { get; init; }
}
