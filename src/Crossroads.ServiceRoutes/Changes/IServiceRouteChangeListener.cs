namespace Crossroads.ServiceRoutes;

/// <summary>
/// Tells a cache that the store changed, so it catches up with <see cref="IServiceRouteStore.ChangesSinceAsync"/>
/// instead of polling. From <see cref="IServiceRouteStore.CreateChangeListener"/>; dispose it to stop listening.
/// </summary>
/// <remarks>
/// <para>Signals are hints, not the changes: a revision may be signalled twice (locally after the commit, and again
/// through the database), out of order, or not at all when signals pile up unread (the oldest are dropped). A consumer
/// therefore always catches up by revision: on any signal above what it applied, and on every
/// <see cref="ServiceRouteChangeSignal.CatchUp"/> signal, it reads the feed from its last applied revision.</para>
/// <para>PostgreSQL: each listener holds its own connection doing <c>LISTEN crossroads_service_routes</c>, and every
/// write batch that commits a change sends <c>pg_notify</c> with its last revision in the same transaction, so every
/// replica hears every commit. After a connection loss the listener reconnects with backoff and then signals
/// <see cref="ServiceRouteChangeSignal.CatchUp"/> (notifications sent meanwhile are lost). SQLite (one node): commits
/// of this store instance are signalled in-process; the listener is always connected.</para>
/// </remarks>
public interface IServiceRouteChangeListener : IAsyncDisposable
{
    /// <summary>Whether the listener currently hears every commit (PostgreSQL: its connection is up and listening).</summary>
    bool IsConnected { get; }

    /// <summary>
    /// The signals as they come, until the listener (or its store) is disposed or <paramref name="cancellationToken"/>
    /// fires. Meant for one reader: concurrent readers would share the signals out between them.
    /// </summary>
    IAsyncEnumerable<ServiceRouteChangeSignal> ReadAllAsync(CancellationToken cancellationToken = default);
}
