using System.Diagnostics;

namespace Crossroads.ServiceRoutes.Tests;

/// <summary>Cross-replica change signals through LISTEN/NOTIFY, and the listener's reconnect after a server restart.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresChangeListenerTests(PostgresServer server)
{
    private static readonly RouteKey Key = new("acme", "billing", "prod", "v1");

    [PostgresFact]
    public async Task A_listener_hears_a_commit_of_another_store_instance_within_a_second()
    {
        string connectionString = await server.CreateDatabaseAsync();
        await using var writer = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString });
        await using var reader = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString });
        await using var listener = reader.CreateChangeListener();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var signals = listener.ReadAllAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await signals.MoveNextAsync());
        Assert.Equal(new ServiceRouteChangeSignal(0, CatchUp: true), signals.Current);
        Assert.True(listener.IsConnected);

        for (int i = 1; i <= 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var write = await writer.UpsertAsync(Key, $"http://billing-{i}/", "alice", null);
            Assert.True(await signals.MoveNextAsync());
            watch.Stop();

            Assert.Equal(new ServiceRouteChangeSignal(write.Event!.Revision, CatchUp: false), signals.Current);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"signal {i} took {watch.Elapsed}");
        }

        // Writes that change nothing notify nothing; the next change is the next signal.
        await writer.UpsertAsync(Key, "http://billing-3/", "alice", null);
        var last = await writer.DeactivateAsync(Key, "alice", null);
        Assert.True(await signals.MoveNextAsync());
        Assert.Equal(last.Event!.Revision, signals.Current.Revision);
    }

    [PostgresFact]
    public async Task After_a_server_restart_the_listener_reconnects_and_signals_catch_up()
    {
        await using var own = await PostgresServer.StartAsync();
        string connectionString = await own.CreateDatabaseAsync();
        await using var writer = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString });
        await using var reader = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString });
        await using var listener = reader.CreateChangeListener();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var signals = listener.ReadAllAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await signals.MoveNextAsync());
        Assert.True(signals.Current.CatchUp);
        await writer.UpsertAsync(Key, "http://billing-1/", "alice", null);
        Assert.True(await signals.MoveNextAsync());
        Assert.Equal(new ServiceRouteChangeSignal(1, CatchUp: false), signals.Current);

        await own.RestartAsync();

        // A write right after the restart may fail once on a dead pooled connection; its commit is missed by the
        // listener if it happens before the listener is back, which is what the catch-up signal is for.
        await AfterRestartAsync(() => writer.UpsertAsync(Key, "http://billing-2/", "alice", null));
        var afterRestart = new List<ServiceRouteChangeSignal>();
        while (await signals.MoveNextAsync())
        {
            afterRestart.Add(signals.Current);
            if (signals.Current.CatchUp)
            {
                break;
            }
        }

        var catchUp = afterRestart[^1];
        Assert.True(catchUp.CatchUp);
        Assert.True(listener.IsConnected);
        // The write after the restart committed before the listener was back (then the catch-up says 2) or after it.
        Assert.InRange(catchUp.Revision, 1, 2);
        var changes = await AfterRestartAsync(() => reader.ChangesSinceAsync(1, 10));
        Assert.Equal([2L], changes.Select(c => c.Revision));

        var next = await writer.DeactivateAsync(Key, "alice", null);
        while (await signals.MoveNextAsync() && signals.Current.Revision < next.Event!.Revision)
        {
            Assert.Equal(new ServiceRouteChangeSignal(2, CatchUp: false), signals.Current);
        }

        Assert.Equal(new ServiceRouteChangeSignal(3, CatchUp: false), signals.Current);
    }

    /// <summary>A store's pooled connections die with the server: its first call after the restart may fail once.</summary>
    private static async Task<T> AfterRestartAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StoreUnavailableException)
        {
            return await call();
        }
    }
}
