namespace Crossroads.ServiceRoutes;

/// <summary>A stored weighted split.</summary>
/// <param name="Key">The split's tenant, service and environment.</param>
/// <param name="Weights">Version → percent; every version an active route when the split was written, summing to 100.</param>
/// <param name="Revision">The store-wide revision of the split's last change.</param>
/// <param name="CreatedAt">When it was first put (UTC).</param>
/// <param name="UpdatedAt">When it was last changed (UTC).</param>
public sealed record WeightedSplit(SplitKey Key, SplitWeights Weights, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
