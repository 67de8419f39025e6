using Crossroads.RoutingTable;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// The loaded table and where its updates go: this replica's journal (<see cref="JournaledBackend"/>) or the shared
/// table on PostgreSQL that every replica applies (<see cref="SharedBackend"/>).
/// </summary>
public interface IRoutingTableBackend : IAsyncDisposable
{
    /// <summary>The table lookups read (<see cref="RouteTable.Current"/>).</summary>
    RouteTable Table { get; }

    /// <summary>What <c>/health</c> reports as <c>table_version</c>: updates since start (journal) or the shared revision.</summary>
    long Version { get; }

    /// <summary>Makes an update durable, then applies it here; returns how many routes it matched (0: nothing changed).</summary>
    /// <exception cref="UpdateNotAppliedException">The update could not be made durable and was not applied.</exception>
    Task<int> UpdateAsync(MetricUpdate update, CancellationToken cancellationToken);
}
