namespace Crossroads.ServiceRoutes;

/// <summary>What a write did.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Route">
/// The route after the write: the new state when something was written, the current state for
/// <see cref="RouteWriteStatus.Unchanged"/> and <see cref="RouteWriteStatus.RevisionMismatch"/> (so the caller can report
/// the actual revision), null when the route does not exist.
/// </param>
/// <param name="Event">The audit event committed, or null when nothing was written.</param>
public sealed record RouteWriteResult(RouteWriteStatus Status, ServiceRoute? Route, RouteAuditEvent? Event)
{
    /// <summary>Whether a change was committed (and so a revision, an audit row and an outbox message written).</summary>
    public bool Changed => Event is not null;
}
