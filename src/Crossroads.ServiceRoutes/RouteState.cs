namespace Crossroads.ServiceRoutes;

/// <summary>Whether a route serves traffic. Stored as the words <c>active</c>/<c>inactive</c> in the audit trail.</summary>
public enum RouteState
{
    /// <summary>The route exists but is not served (deactivated).</summary>
    Inactive,

    /// <summary>The route is served.</summary>
    Active,
}
