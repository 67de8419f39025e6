namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// The state a write batch is decided on, read under the write lock: the revision counter, and the rows of
/// <see cref="BatchReads"/> that exist (missing ones absent).
/// </summary>
internal sealed record BatchState(
    long Revision,
    IReadOnlyDictionary<RouteKey, ServiceRoute> Routes,
    IReadOnlyDictionary<SplitKey, WeightedSplit> Splits,
    IReadOnlyDictionary<IdempotencyScope, IdempotencyRecord> Keys);
