namespace Crossroads.ServiceRoutes;

/// <summary>A hint that the store changed (see <see cref="IServiceRouteChangeListener"/>).</summary>
/// <param name="Revision">A revision known to be committed: the last of a write batch, or the counter after a (re)connect.</param>
/// <param name="CatchUp">
/// The listener (re)connected and may have missed signals before: catch up from the last applied revision whatever
/// <paramref name="Revision"/> says.
/// </param>
public readonly record struct ServiceRouteChangeSignal(long Revision, bool CatchUp);
