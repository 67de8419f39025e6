namespace Crossroads.ServiceRoutes;

/// <summary>
/// One entry of the change feed (<see cref="IServiceRouteStore.ChangesSinceAsync"/>): a route change or a split change,
/// exactly one of <see cref="Route"/> and <see cref="Split"/> set.
/// </summary>
/// <param name="Revision">The change's revision; consecutive entries of the feed have consecutive revisions.</param>
/// <param name="Route">The route change, or null.</param>
/// <param name="Split">The split change, or null.</param>
public sealed record StoreChange(long Revision, RouteAuditEvent? Route, SplitAuditEvent? Split)
{
    internal static StoreChange Of(RouteAuditEvent e) => new(e.Revision, e, null);

    internal static StoreChange Of(SplitAuditEvent e) => new(e.Revision, null, e);
}
