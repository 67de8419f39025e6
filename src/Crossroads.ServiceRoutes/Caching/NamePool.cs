using System.Collections.Concurrent;

namespace Crossroads.ServiceRoutes.Caching;

/// <summary>
/// Shares one string instance per distinct name. A million routes typically have a few hundred tenants, services,
/// environments and versions: pooling keeps the cache at one URL string per route plus the shared names.
/// </summary>
internal sealed class NamePool
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public string Get(string name) => _names.GetOrAdd(name, name);

    public SplitKey Pool(SplitKey key) => new(Get(key.Tenant), Get(key.Service), Get(key.Env));
}
