using System.Collections.Concurrent;

namespace Crossroads.ServiceRoutes.Caching;

/// <summary>
/// Every route and split of the store, in memory, for resolves that never wait for the database. Readers use
/// <see cref="ConcurrentDictionary{TKey,TValue}"/>'s lock-free reads; writers (the replica's own writes and the change
/// feed) only replace an entry with one of a higher revision, so applying the same change twice, or an older change
/// after a newer one, leaves the newest in place.
/// </summary>
/// <remarks>
/// Routes are keyed by one string, <c>tenant/service/env/version</c> (names cannot hold a slash), looked up from a
/// stack-built span through the dictionary's alternate lookup: a resolve allocates nothing, and a route costs one
/// dictionary node, the key string, a <see cref="CachedRoute"/> and its URL (~250 bytes with a 40-character URL),
/// rather than four name strings, a 32-byte struct key and a full <see cref="ServiceRoute"/>.
/// </remarks>
public sealed class RouteCache
{
    // 4 names of at most 63 characters and 3 slashes.
    private const int MaxKeyLength = (4 * RouteValidation.MaxNameLength) + 3;

    private readonly ConcurrentDictionary<string, CachedRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedRoute>.AlternateLookup<ReadOnlySpan<char>> _byspan;
    private readonly ConcurrentDictionary<SplitKey, SplitEntry> _splits = new();
    private readonly NamePool _names = new();

    /// <summary>An empty cache.</summary>
    public RouteCache() => _byspan = _routes.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>How many routes (active or not) the cache holds.</summary>
    public int RouteCount => _routes.Count;

    /// <summary>How many splits the cache holds.</summary>
    public int SplitCount => _splits.Values.Count(static entry => entry.Split is not null);

    /// <summary>The route (active or not), or null.</summary>
    public CachedRoute? Find(RouteKey key)
    {
        int length = key.Tenant.Length + key.Service.Length + key.Env.Length + key.Version.Length + 3;
        if (length > MaxKeyLength)
        {
            return null; // no valid route has such a key
        }

        Span<char> text = stackalloc char[MaxKeyLength];
        return _byspan.TryGetValue(Compose(key, text[..length]), out var route) ? route : null;
    }

    /// <summary>The split, or null.</summary>
    public WeightedSplit? FindSplit(SplitKey key) => _splits.TryGetValue(key, out var entry) ? entry.Split : null;

    /// <summary>Stores <paramref name="route"/> unless the cache already has the same or a newer revision of it.</summary>
    public void Apply(ServiceRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (Find(route.Key) is { } current && current.Revision >= route.Revision)
        {
            return;
        }

        var cached = new CachedRoute(route.Url, route.Revision, route.IsActive);
        _routes.AddOrUpdate(KeyText(route.Key), static (_, candidate) => candidate, static (_, existing, candidate) => existing.Revision >= candidate.Revision ? existing : candidate, cached);
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
            Apply(new ServiceRoute(e.Key, e.Url, e.State, e.Revision, e.OccurredAt, e.OccurredAt));
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

    private static string KeyText(RouteKey key) =>
        string.Create(key.Tenant.Length + key.Service.Length + key.Env.Length + key.Version.Length + 3, key, static (text, k) => Compose(k, text));

    private static ReadOnlySpan<char> Compose(RouteKey key, Span<char> text)
    {
        int at = 0;
        foreach (string part in (ReadOnlySpan<string>)[key.Tenant, key.Service, key.Env, key.Version])
        {
            if (at > 0)
            {
                text[at++] = '/';
            }

            part.CopyTo(text[at..]);
            at += part.Length;
        }

        return text[..at];
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
