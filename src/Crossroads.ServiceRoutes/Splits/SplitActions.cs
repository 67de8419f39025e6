namespace Crossroads.ServiceRoutes;

/// <summary>The audit actions of split changes (distinct from <see cref="AuditActions"/>, which are route actions).</summary>
public static class SplitActions
{
    /// <summary>A split was created or its weights changed.</summary>
    public const string Set = "split_set";

    /// <summary>A split was deleted.</summary>
    public const string Deleted = "split_deleted";
}
