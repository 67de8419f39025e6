using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable;

/// <summary>A route as seen in one snapshot of the table.</summary>
/// <param name="Prefix">The destination prefix.</param>
/// <param name="NextHop">The next-hop address.</param>
/// <param name="Metric">The current metric (lower is preferred).</param>
/// <param name="Active">True when this route is the one lookups of its prefix return.</param>
public readonly record struct Route(IpPrefix Prefix, IpAddress NextHop, int Metric, bool Active);
