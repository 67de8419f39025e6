namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// A stored idempotency key (a row of <c>idempotency_keys</c>): the request it was first used with and the outcome
/// answered then, a <see cref="RouteWriteResult"/> or a <see cref="SplitWriteResult"/>.
/// </summary>
/// <param name="Scope">Actor and key.</param>
/// <param name="Fingerprint">The first request's fingerprint.</param>
/// <param name="Result">The first outcome, as answered.</param>
/// <param name="CreatedAt">When the first write was decided; the key expires a retention after.</param>
internal sealed record IdempotencyRecord(IdempotencyScope Scope, string Fingerprint, object Result, DateTimeOffset CreatedAt)
{
    /// <summary>The revision the first write committed, or null when it changed nothing.</summary>
    public long? Revision => Result switch
    {
        RouteWriteResult { Event: { } e } => e.Revision,
        SplitWriteResult { Event: { } e } => e.Revision,
        _ => null,
    };

    /// <summary>The stored form of <see cref="Result"/> (see <see cref="IdempotencyOutcome"/>).</summary>
    public string Kind => IdempotencyOutcome.KindOf(Result);

    public string Status => IdempotencyOutcome.StatusOf(Result);

    public string OutcomeJson => IdempotencyOutcome.ToJson(Result);
}
