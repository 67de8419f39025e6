namespace Crossroads.ServiceRoutes;

/// <summary>A stored route: its current URL and state, and the revision of the change that last touched it.</summary>
/// <param name="Key">The route's identity.</param>
/// <param name="Url">The absolute http(s) URL that serves it (kept while the route is inactive).</param>
/// <param name="State">Whether it is served.</param>
/// <param name="Revision">The store-wide revision of the last change to this route.</param>
/// <param name="CreatedAt">When the route was first created (UTC, microsecond precision).</param>
/// <param name="UpdatedAt">When the last change was committed (UTC, microsecond precision).</param>
public sealed record ServiceRoute(RouteKey Key, string Url, RouteState State, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Whether the route is served.</summary>
    public bool IsActive => State == RouteState.Active;
}
