namespace Crossroads.RoutingTable;

/// <summary>Which routes a metric update or a listing selects.</summary>
public enum MatchKind
{
    /// <summary>The route with exactly the given prefix.</summary>
    Exact,

    /// <summary>Routes whose prefix equals the given prefix or lies inside it.</summary>
    OrLonger,
}
