namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// What a write does given the route's current state, decided by <see cref="WritePlanner"/> while the provider holds
/// the route's lock: either an outcome without a write (<see cref="NoWrite"/>), or a change to commit.
/// </summary>
internal sealed record WriteDecision(RouteWriteResult? NoWrite, string Action, string Url, RouteState State)
{
    public static WriteDecision Without(RouteWriteStatus status, ServiceRoute? current) =>
        new(new RouteWriteResult(status, current, null), "", "", RouteState.Inactive);
}
