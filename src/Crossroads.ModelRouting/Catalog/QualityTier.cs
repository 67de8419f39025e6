namespace Crossroads.ModelRouting.Catalog;

/// <summary>ATP's quality levels; each maps to a minimum prior quality (<see cref="Routing.RoutingSettings"/>).</summary>
public enum QualityTier
{
    /// <summary>Any quality.</summary>
    Fast,

    /// <summary>The middle threshold (default).</summary>
    Balanced,

    /// <summary>The highest threshold.</summary>
    High,
}
