namespace Crossroads.Server.RoutingTable;

/// <summary>The loaded table once the background load finished; requests before that get 503.</summary>
public sealed class RoutingTableState : IAsyncDisposable
{
    private IRoutingTableBackend? _table;

    /// <summary>The table and where its updates go, or null while loading.</summary>
    public IRoutingTableBackend? Table => Volatile.Read(ref _table);

    internal void Publish(IRoutingTableBackend table) => Volatile.Write(ref _table, table);

    /// <summary>Closes the journal or the database connections (the container disposes this singleton at shutdown).</summary>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _table, null)?.DisposeAsync() ?? ValueTask.CompletedTask;
}
