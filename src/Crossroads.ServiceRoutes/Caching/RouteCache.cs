using System.Collections.Concurrent;

namespace Crossroads.ServiceRoutes.Caching;

/// <summary>
/// Every route and split of the store, in memory, for resolves that never wait for the database. Readers use
/// <see cref="ConcurrentDictionary{TKey,TValue}"/>'s lock-free reads; writers (the replica's own writes and the change
/// feed) only replace an entry with one of a higher revision, so applying the same change twice, or an older change
/// after a newer one, leaves the newest in place.
/// </summary>
public sealed class RouteCache
{
    private readonly ConcurrentDictionary<RouteKey, ServiceRoute> _routes = new();
    private readonly ConcurrentDictionary<SplitKey, SplitEntry> _splits = new();
    private readonly NamePool _names = new();

    /// <summary>How many routes (active or not) the cache holds.</summary>
    public int RouteCount => _routes.Count;

    /// <summary>How many splits the cache holds.</summary>
    public int SplitCount => _splits.Values.Count(static entry => entry.Split is not null);

    /// <summary>The route (active or not), or null.</summary>
    public ServiceRoute? Find(RouteKey key) => _routes.TryGetValue(key, out var route) ? route : null;

    /// <summary>The split, or null.</summary>
    public WeightedSplit? FindSplit(SplitKey key) => _splits.TryGetValue(key, out var entry) ? entry.Split : null;

    /// <summary>Stores <paramref name="route"/> unless the cache already has the same or a newer revision of it.</summary>
    public void Apply(ServiceRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (_routes.TryGetValue(route.Key, out var current) && current.Revision >= route.Revision)
        {
            return;
        }

        var pooled = route with { Key = _names.Pool(route.Key) };
        _routes.AddOrUpdate(pooled.Key, static (_, candidate) => candidate, static (_, existing, candidate) => existing.Revision >= candidate.Revision ? existing : candidate, pooled);
    }

    /// <summary>Stores <paramref name="split"/> unless the cache already knows the same or a newer revision of it.</summary>
    public void Apply(WeightedSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        ApplySplit(split.Key, new SplitEntry(split with { Key = _names.Pool(split.Key) }, split.Revision));
    }

    /// <summary>Records the deletion of a split at <paramref name="revision"/>.</summary>
    public void RemoveSplit(SplitKey key, long revision) => ApplySplit(key, new SplitEntry(null, revision));

    /// <summary>Applies one change of the feed (the events carry the state after the change, so no read is needed).</summary>
    public void Apply(StoreChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Route is { } e)
        {
            // created_at is not in the event: keep the cached one when there is one.
            var createdAt = Find(e.Key)?.CreatedAt ?? e.OccurredAt;
            Apply(new ServiceRoute(e.Key, e.Url, e.State, e.Revision, createdAt, e.OccurredAt));
        }
        else if (change.Split is { } s)
        {
            if (s.Weights is null)
            {
                RemoveSplit(s.Key, s.Revision);
            }
            else
            {
                var createdAt = FindSplit(s.Key)?.CreatedAt ?? s.OccurredAt;
                Apply(new WeightedSplit(s.Key, s.Weights, s.Revision, createdAt, s.OccurredAt));
            }
        }
    }

    private void ApplySplit(SplitKey key, SplitEntry entry)
    {
        if (_splits.TryGetValue(key, out var current) && current.Revision >= entry.Revision)
        {
            return;
        }

        _splits.AddOrUpdate(_names.Pool(key), static (_, candidate) => candidate, static (_, existing, candidate) => existing.Revision >= candidate.Revision ? existing : candidate, entry);
    }
}
