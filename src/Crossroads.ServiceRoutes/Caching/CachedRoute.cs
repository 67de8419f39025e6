namespace Crossroads.ServiceRoutes.Caching;

/// <summary>
/// What a resolve needs of a route, and no more: a replica holds one per route (a million routes must fit in a few
/// hundred MB), so the key lives only in the cache's dictionary and timestamps stay in the store.
/// </summary>
/// <param name="Url">The route's URL (kept while inactive).</param>
/// <param name="Revision">The revision of the route's last change.</param>
/// <param name="IsActive">Whether the route is served.</param>
public sealed record CachedRoute(string Url, long Revision, bool IsActive)
{
    private string? _etag;

    /// <summary>The entity tag of this state, <c>"&lt;revision&gt;"</c>, made once (resolves send it on every answer).</summary>
    public string ETag => _etag ??= string.Concat("\"", Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), "\"");
}
