namespace Crossroads.ServiceRoutes;

/// <summary>
/// The audit actions of route changes. Traffic Manager knew <c>created</c>, <c>activated</c> and
/// <c>deactivated</c>; <c>updated</c> is new: an upsert of an existing route that changes its URL or reactivates it.
/// It is not recorded as <c>created</c> (the route existed) nor as <c>activated</c> (that would hide a URL change
/// from feed consumers that only look at the action); <see cref="RouteAuditEvent.PreviousUrl"/> and
/// <see cref="RouteAuditEvent.PreviousState"/> say what exactly changed.
/// </summary>
public static class AuditActions
{
    /// <summary>An upsert created the route (it is active).</summary>
    public const string Created = "created";

    /// <summary>An upsert changed an existing route's URL and/or reactivated it (it is active).</summary>
    public const string Updated = "updated";

    /// <summary>An inactive route was activated (URL unchanged).</summary>
    public const string Activated = "activated";

    /// <summary>An active route was deactivated (URL unchanged).</summary>
    public const string Deactivated = "deactivated";

    /// <summary>Every action, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [Created, Updated, Activated, Deactivated];

    /// <summary>Whether <paramref name="action"/> is one of <see cref="All"/> (exact, lower case).</summary>
    public static bool IsKnown(string? action) => action is Created or Updated or Activated or Deactivated;
}
