namespace Crossroads.ServiceRoutes.Caching;

/// <summary>A split as the cache knows it at <see cref="Revision"/>; <see cref="Split"/> null is a deletion (kept so an older set cannot resurrect it).</summary>
internal sealed record SplitEntry(WeightedSplit? Split, long Revision);
