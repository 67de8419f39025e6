namespace Crossroads.ServiceRoutes.Storage;

/// <summary>A validated write, as the write loop receives it: a route write (<see cref="Key"/>) or a split write (<see cref="SplitKey"/>).</summary>
internal sealed record WriteRequest(WriteKind Kind, RouteKey Key, string? Url, string Actor, string? CorrelationId, long? ExpectedRevision)
{
    public SplitKey SplitKey { get; init; }

    public SplitWeights? Weights { get; init; }

    public IdempotencyKey? Idempotency { get; init; }

    public bool IsSplit => Kind is WriteKind.PutSplit or WriteKind.DeleteSplit;
}
