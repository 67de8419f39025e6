using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable;

/// <summary>A request to set the metric of the routes selected by prefix, next hop and match kind.</summary>
public sealed record MetricUpdate(IpPrefix Prefix, IpAddress NextHop, int Metric, MatchKind Match);
