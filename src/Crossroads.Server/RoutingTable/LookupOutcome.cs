namespace Crossroads.Server.RoutingTable;

/// <summary>The <c>status</c> label of <c>routing_lookups_total</c>.</summary>
public enum LookupOutcome
{
    /// <summary>A route was found (<c>success</c>).</summary>
    Success,

    /// <summary>No route covers the address (<c>not_found</c>).</summary>
    NotFound,

    /// <summary>The address could not be parsed (<c>invalid</c>).</summary>
    Invalid,
}
