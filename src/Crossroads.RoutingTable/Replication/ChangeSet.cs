namespace Crossroads.RoutingTable.Replication;

/// <summary>
/// The rows changed after some revision: each changed route's current metric, as an exact update, and the latest
/// revision they reach (every revision up to it is included: writers commit in revision order).
/// </summary>
/// <param name="Revision">The highest revision among the rows; the revision asked about when there are none.</param>
/// <param name="Updates">One exact update per changed route, in no particular order (each row is its route's final value).</param>
internal sealed record ChangeSet(long Revision, IReadOnlyList<MetricUpdate> Updates);
