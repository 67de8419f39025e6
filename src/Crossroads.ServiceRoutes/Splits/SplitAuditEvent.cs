namespace Crossroads.ServiceRoutes;

/// <summary>One committed split change, as the split audit trail and the change feed hold it.</summary>
/// <param name="EventId">A UUID (version 7), also the outbox message's id.</param>
/// <param name="Revision">The store-wide revision the change committed as.</param>
/// <param name="Key">The split changed.</param>
/// <param name="Action">One of <see cref="SplitActions"/>.</param>
/// <param name="Weights">The weights after the change; null when it deleted the split.</param>
/// <param name="PreviousWeights">The weights before; null when it created the split.</param>
/// <param name="ChangedBy">The actor.</param>
/// <param name="CorrelationId">The request's correlation id, if any.</param>
/// <param name="OccurredAt">When the change was made (UTC).</param>
public sealed record SplitAuditEvent(
    Guid EventId,
    long Revision,
    SplitKey Key,
    string Action,
    SplitWeights? Weights,
    SplitWeights? PreviousWeights,
    string ChangedBy,
    string? CorrelationId,
    DateTimeOffset OccurredAt);
