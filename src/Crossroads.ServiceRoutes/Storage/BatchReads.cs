namespace Crossroads.ServiceRoutes.Storage;

/// <summary>What a write batch reads under the write lock before deciding: routes, splits and idempotency keys.</summary>
internal sealed record BatchReads(IReadOnlyCollection<RouteKey> Routes, IReadOnlyCollection<SplitKey> Splits, IReadOnlyCollection<IdempotencyScope> Keys);
