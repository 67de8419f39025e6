namespace Crossroads.ModelRouting.Catalog;

/// <summary>Whether a model takes traffic.</summary>
public enum ModelStatus
{
    /// <summary>Routable.</summary>
    Active,

    /// <summary>Listed, never chosen by a policy (reserved for shadow traffic; pinned requests still reach it).</summary>
    Shadow,

    /// <summary>Listed in the catalog for completeness; never called.</summary>
    Disabled,
}
