using Crossroads.RoutingTable;

namespace Crossroads.Server.RoutingTable;

/// <summary>The loaded table once the background load finished; requests before that get 503.</summary>
public sealed class RoutingTableState : IDisposable
{
    private DurableRouteTable? _table;

    /// <summary>The table, or null while loading.</summary>
    public DurableRouteTable? Table => Volatile.Read(ref _table);

    internal void Publish(DurableRouteTable table) => Volatile.Write(ref _table, table);

    /// <summary>Closes the journal (the container disposes this singleton at shutdown).</summary>
    public void Dispose() => Interlocked.Exchange(ref _table, null)?.Dispose();
}
