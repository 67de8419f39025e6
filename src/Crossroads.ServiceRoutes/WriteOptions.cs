namespace Crossroads.ServiceRoutes;

/// <summary>The optional conditions of a write.</summary>
public sealed record WriteOptions
{
    /// <summary>No condition, no idempotency key.</summary>
    public static WriteOptions None { get; } = new();

    /// <summary>
    /// When set, the write happens only if the route's (or split's) current revision equals it; 0 means "must not
    /// exist yet". Otherwise the outcome is <c>RevisionMismatch</c> and nothing is written.
    /// </summary>
    public long? ExpectedRevision { get; init; }

    /// <summary>When set, the write is idempotent under this key (see <see cref="IdempotencyKey"/>).</summary>
    public IdempotencyKey? Idempotency { get; init; }
}
