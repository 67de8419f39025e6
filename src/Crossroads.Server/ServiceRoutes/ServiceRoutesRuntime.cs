using Crossroads.Server.Database;
using Crossroads.ServiceRoutes;
using Crossroads.ServiceRoutes.Caching;
using Crossroads.ServiceRoutes.Events;
using Polly;
using Polly.CircuitBreaker;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// The module's live parts: the store (once open), the cache every resolve reads, the synchronizer that keeps it
/// current, and the circuit breaker every database call goes through.
/// </summary>
internal sealed class ServiceRoutesRuntime : IAsyncDisposable
{
    private readonly ResiliencePipeline _database;
    private volatile IServiceRouteStore? _store;
    private volatile RouteCacheSynchronizer? _synchronizer;
    private volatile OutboxRelay? _relay;

    public ServiceRoutesRuntime(ServiceRoutesOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
        // While open, calls fail fast (BrokenCircuitException) and the API answers 503 with Retry-After.
        _database = DatabaseBreaker.Create<StoreUnavailableException>(time, options.BreakerFailureRatio, options.BreakDuration);
    }

    public ServiceRoutesOptions Options { get; }

    public TimeProvider Time { get; }

    public RouteCache Cache { get; } = new();

    /// <summary>Null until the store is open and the cache loaded.</summary>
    public IServiceRouteStore? Store => _store;

    /// <summary>Null until the cache is loaded.</summary>
    public RouteCacheSynchronizer? Synchronizer => _synchronizer;

    /// <summary>The event relay, when events go somewhere (RabbitMQ, webhooks).</summary>
    public OutboxRelay? Relay => _relay;

    public bool IsReady => _synchronizer is not null;

    /// <summary>Whole seconds a client should wait after a 503 from the database being unavailable.</summary>
    public int RetryAfterSeconds => DatabaseBreaker.RetryAfterSeconds(Options.BreakDuration);

    public void Publish(IServiceRouteStore store, RouteCacheSynchronizer synchronizer, OutboxRelay? relay)
    {
        _store = store;
        _relay = relay;
        _synchronizer = synchronizer;
    }

    /// <summary>After a committed write (already applied to the cache): the revision advances, the relay looks at once.</summary>
    public void Committed(long revision)
    {
        _synchronizer?.AppliedLocally(revision);
        _relay?.Wake();
    }

    /// <summary>
    /// Runs a database call through the breaker. <see cref="StoreUnavailableException"/> and
    /// <see cref="BrokenCircuitException"/> come out as <see cref="DatabaseUnavailableException"/>; both mark the store
    /// unreachable for resolves.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<IServiceRouteStore, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var store = _store ?? throw new InvalidOperationException("the service route store is not open");
        try
        {
            var result = await _database.ExecuteAsync(
                static async (state, token) => await state.call(state.store, token).ConfigureAwait(false),
                (call, store),
                cancellationToken).ConfigureAwait(false);
            _synchronizer?.MarkReachable();
            return result;
        }
        catch (StoreUnavailableException e)
        {
            _synchronizer?.MarkUnreachable(e);
            throw new DatabaseUnavailableException(e.Message, e);
        }
        catch (BrokenCircuitException e)
        {
            throw new DatabaseUnavailableException("the database is unavailable (circuit open after repeated failures)", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_relay is { } relay)
        {
            await relay.DisposeAsync().ConfigureAwait(false);
        }

        if (_store is { } store)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
