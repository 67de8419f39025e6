using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace Crossroads.ServiceRoutes.Tests;

/// <summary>PostgreSQL-only behaviour: concurrent migrations, crash durability, an unreachable server, throughput.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresStoreOnlyTests(PostgresServer server, ITestOutputHelper output)
{
    private static readonly RouteKey Key = new("acme", "billing", "prod", "v1");

    [PostgresFact]
    public async Task Replicas_migrating_the_same_database_at_once_apply_each_migration_once()
    {
        string connectionString = await server.CreateDatabaseAsync();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var opening = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString });
        })).ToArray();
        go.SetResult();
        var stores = await Task.WhenAll(opening);
        try
        {
            Assert.All(stores, s => Assert.Equal(3, s.SchemaVersion));
            Assert.All(stores, s => Assert.Equal("postgresql", s.Provider));
            Assert.Equal([1L, 2L, 3L], await QueryLongsAsync(connectionString, "SELECT version FROM schema_migrations ORDER BY version"));
            Assert.Equal([0L], await QueryLongsAsync(connectionString, "SELECT revision FROM revision_counter"));

            var writes = await Task.WhenAll(stores.Select((s, i) => s.UpsertAsync(Key with { Version = $"v{i}" }, "http://h/", "t", null)));
            Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), writes.Select(w => w.Route!.Revision).Order());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task A_committed_write_survives_a_crash_of_the_server()
    {
        await using var own = await PostgresServer.StartAsync();
        string connectionString = await own.CreateDatabaseAsync();
        var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString });
        await using (store)
        {
            var created = await store.UpsertAsync(Key, "http://billing/", "alice", "c-1");
            var deactivated = await store.DeactivateAsync(Key, "bob", "c-2");

            // Immediate shutdown: no checkpoint; the restart replays the WAL as after a power cut of the server.
            await own.RestartAsync(PostgresShutdownMode.Immediate);

            var reopened = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString });
            await using (reopened)
            {
                Assert.Equal(deactivated.Route, await reopened.GetAsync(Key));
                Assert.Equal([created.Event!, deactivated.Event!], (await reopened.ChangesSinceAsync(0, 10)).Select(c => c.Route));
                Assert.Equal(2, await reopened.CurrentRevisionAsync());
                Assert.Equal([created.Event!.EventId, deactivated.Event!.EventId], (await reopened.ClaimUndeliveredAsync(10)).Select(m => m.EventId));
            }

            // The store opened before the crash holds dead pooled connections: at most one call fails, as unavailable.
            ServiceRoute? seen = null;
            for (int attempt = 0; attempt < 2 && seen is null; attempt++)
            {
                try
                {
                    seen = await store.GetAsync(Key);
                }
                catch (StoreUnavailableException)
                {
                }
            }

            Assert.Equal(deactivated.Route, seen);
        }
    }

    [PostgresFact]
    public async Task A_stopped_server_is_reported_as_unavailable_not_as_a_domain_outcome()
    {
        var own = await PostgresServer.StartAsync();
        string connectionString = await own.CreateDatabaseAsync();
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 };
        var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = builder.ConnectionString });
        await using (store)
        {
            await store.UpsertAsync(Key, "http://billing/", "alice", null);
            await own.DisposeAsync();

            var failures = new List<StoreUnavailableException>
            {
                await Assert.ThrowsAsync<StoreUnavailableException>(() => store.UpsertAsync(Key, "http://other/", "alice", null)),
                await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ActivateAsync(Key, "alice", null)),
                await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(Key)),
                await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CurrentRevisionAsync()),
                await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ClaimUndeliveredAsync(10)),
                await Assert.ThrowsAsync<StoreUnavailableException>(async () =>
                {
                    await foreach (var route in store.LoadAllAsync())
                    {
                        Assert.Fail($"streamed {route} from a stopped server");
                    }
                }),
                await Assert.ThrowsAsync<StoreUnavailableException>(() => ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = builder.ConnectionString })),
            };

            Assert.All(failures, f => Assert.IsAssignableFrom<NpgsqlException>(f.InnerException));
            Assert.All(failures, f => Assert.StartsWith("the service route store (PostgreSQL) failed", f.Message, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Nothing_listening_on_the_port_is_unavailable_at_open()
    {
        string connectionString = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = FreePort.OnLoopback(), Username = "postgres", Database = "none", Timeout = 3 }.ConnectionString;

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString }));

        Assert.IsAssignableFrom<NpgsqlException>(failure.InnerException);
        Assert.True(failure.IsTransient);
    }

    [PostgresFact]
    public async Task A_batch_waiting_for_the_revision_lock_decides_on_the_change_committed_while_it_waited()
    {
        // Another replica's write, held open at the point where it owns the counter row and has changed the route: the
        // store's batch blocks on the lock, and must then read the route as committed, not as it was when its round
        // trip started (READ COMMITTED: only the locking statement re-reads the locked row; each later statement takes
        // a new snapshot, so the route read must be a statement after the lock).
        string connectionString = await server.CreateDatabaseAsync();
        var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString });
        await using (store)
        {
            await store.UpsertAsync(Key, "http://first/", "alice", null);

            await using var other = new NpgsqlConnection(connectionString);
            await other.OpenAsync();
            await using (var transaction = await other.BeginTransactionAsync())
            {
                await using (var write = new NpgsqlCommand("""
                    SELECT revision FROM revision_counter WHERE id = 1 FOR UPDATE;
                    UPDATE routes SET url = 'http://other-replica/', revision = 2, updated_at = now() WHERE tenant = 'acme' AND service = 'billing' AND env = 'prod' AND version = 'v1';
                    INSERT INTO route_audit (revision, event_id, tenant, service, env, version, action, url, state, previous_url, previous_state, changed_by, correlation_id, occurred_at)
                        VALUES (2, gen_random_uuid(), 'acme', 'billing', 'prod', 'v1', 'updated', 'http://other-replica/', 'active', 'http://first/', 'active', 'bob', NULL, now());
                    UPDATE revision_counter SET revision = 2 WHERE id = 1;
                    """, other, transaction))
                {
                    await write.ExecuteNonQueryAsync();
                }

                var waiting = store.UpsertAsync(Key, "http://third/", "carol", null);
                await WaitUntilBlockedOnALockAsync(connectionString);
                Assert.False(waiting.IsCompleted);
                await transaction.CommitAsync();

                var third = await waiting;
                Assert.Equal((RouteWriteStatus.Updated, 3L), (third.Status, third.Route!.Revision));
                Assert.Equal("http://other-replica/", third.Event!.PreviousUrl);
            }

            var audit = await store.AuditForRouteAsync(Key, 10);
            Assert.Equal([3L, 2L, 1L], audit.Select(static e => e.Revision));
            Assert.Equal(audit[1].Url, audit[0].PreviousUrl);
        }
    }

    /// <summary>Waits until a session of the database waits for a lock (the store's batch, queued on the counter row).</summary>
    private static async Task WaitUntilBlockedOnALockAsync(string connectionString)
    {
        var clock = Stopwatch.StartNew();
        while ((await QueryLongsAsync(connectionString, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0] == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the store's batch never waited for the revision lock");
            await Task.Delay(10);
        }
    }

    [PostgresFact]
    public Task Sixteen_concurrent_writers_with_group_commit_get_gap_free_revisions() => MeasureSixteenWritersAsync(maxWriteBatch: 64, perWriter: 100);

    [PostgresFact]
    public Task Sixteen_concurrent_writers_committing_one_by_one_get_gap_free_revisions() => MeasureSixteenWritersAsync(maxWriteBatch: 1, perWriter: 30);

    /// <summary>16 writers upserting concurrently: checks the revisions and prints the rate and latencies (fsync on).</summary>
    private async Task MeasureSixteenWritersAsync(int maxWriteBatch, int perWriter)
    {
        const int Writers = 16;
        string connectionString = await server.CreateDatabaseAsync();
        var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { ConnectionString = connectionString, MaxWriteBatch = maxWriteBatch });
        await using (store)
        {
            // Warm the pool and the prepared statements so the rate measures steady state.
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => store.UpsertAsync(new RouteKey("warm", $"s{w}", "prod", "v1"), "http://warm/", "t", null)));
            var latencies = new double[Writers * perWriter];
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < perWriter; i++)
                {
                    long started = Stopwatch.GetTimestamp();
                    var result = await store.UpsertAsync(new RouteKey("load", $"svc{w}", "prod", $"v{i % 10}"), $"http://h{i}/", "t", null);
                    latencies[(w * perWriter) + i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    Assert.True(result.Changed);
                }
            })));
            clock.Stop();

            Array.Sort(latencies);
            double rate = latencies.Length / clock.Elapsed.TotalSeconds;
            output.WriteLine($"MaxWriteBatch {maxWriteBatch}: {latencies.Length} upserts by {Writers} writers in {clock.Elapsed.TotalSeconds:F2} s: {rate:F0}/s; " +
                $"p50 {latencies[latencies.Length / 2]:F1} ms, p99 {latencies[(int)(latencies.Length * 0.99)]:F1} ms, max {latencies[^1]:F1} ms");
            long total = Writers + (Writers * perWriter);
            Assert.Equal(total, await store.CurrentRevisionAsync());
            Assert.Equal(Enumerable.Range(1, (int)total).Select(i => (long)i), (await store.ChangesSinceAsync(0, 10_000)).Select(e => e.Revision));
            Assert.Equal([total], await QueryLongsAsync(connectionString, "SELECT count(*) FROM outbox"));
        }
    }

    private static async Task<List<long>> QueryLongsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<long>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }
}
