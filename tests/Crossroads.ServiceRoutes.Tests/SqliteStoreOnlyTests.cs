using Microsoft.Data.Sqlite;

namespace Crossroads.ServiceRoutes.Tests;

/// <summary>SQLite-only behaviour: the file and its modes, waiting for another writer, an unusable directory.</summary>
public sealed class SqliteStoreOnlyTests : IDisposable
{
    private static readonly RouteKey Key = new("acme", "billing", "prod", "v1");
    private readonly TempDirectory _directory = new("crossroads-routes-");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_store_is_crossroads_db_in_wal_mode_in_the_data_directory()
    {
        string dataDirectory = Path.Combine(_directory.Path, "nested", "data");
        var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { DataDirectory = dataDirectory });
        await using (store)
        {
            await store.UpsertAsync(Key, "http://billing/", "alice", null);
            Assert.Equal("sqlite", store.Provider);
        }

        string file = Path.Combine(dataDirectory, "crossroads.db");
        Assert.True(File.Exists(file));
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version)";
        Assert.Equal("1,2,3", command.ExecuteScalar());
        command.CommandText = "SELECT count(*) FROM outbox WHERE delivered_at IS NULL";
        Assert.Equal(1L, command.ExecuteScalar());
    }

    [Fact]
    public async Task A_writer_waits_for_another_connections_write_lock_instead_of_failing()
    {
        var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { DataDirectory = _directory.Path, BusyTimeout = TimeSpan.FromSeconds(20) });
        await using (store)
        {
            using var other = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "crossroads.db")};Pooling=False");
            other.Open();
            using var transaction = other.BeginTransaction(deferred: false);

            var write = Task.Run(() => store.UpsertAsync(Key, "http://billing/", "alice", null));
            await Task.Delay(300);
            Assert.False(write.IsCompleted, "the write should wait for the lock");
            transaction.Commit();

            var result = await write.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(RouteWriteStatus.Created, result.Status);
        }
    }

    [Fact]
    public async Task A_lock_held_past_the_busy_timeout_is_a_transient_unavailable_store()
    {
        var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { DataDirectory = _directory.Path, BusyTimeout = TimeSpan.FromMilliseconds(200) });
        await using (store)
        {
            using var other = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "crossroads.db")};Pooling=False");
            other.Open();
            using (var transaction = other.BeginTransaction(deferred: false))
            {
                var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.UpsertAsync(Key, "http://billing/", "alice", null));
                Assert.True(failure.IsTransient);
                Assert.IsType<SqliteException>(failure.InnerException);
            }

            Assert.Null(await store.GetAsync(Key));
            Assert.Equal(0, await store.CurrentRevisionAsync());
            Assert.Equal(RouteWriteStatus.Created, (await store.UpsertAsync(Key, "http://billing/", "alice", null)).Status);
        }
    }

    [Fact]
    public async Task A_data_directory_that_cannot_be_created_is_unavailable()
    {
        string file = _directory.Write("not-a-directory", "x");

        await Assert.ThrowsAsync<StoreUnavailableException>(() => ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { DataDirectory = Path.Combine(file, "data") }));
    }

    [Fact]
    public async Task Neither_a_connection_string_nor_a_data_directory_is_an_argument_error() =>
        await Assert.ThrowsAsync<ArgumentException>(() => ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions()));

    [Fact]
    public async Task Expired_idempotency_keys_are_deleted_by_a_later_write_batch()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero));
        var options = new ServiceRouteStoreOptions { DataDirectory = _directory.Path, TimeProvider = clock, IdempotencyRetention = TimeSpan.FromHours(1) };
        await using (var store = await ServiceRouteStore.OpenAsync(options))
        {
            await store.UpsertAsync(Key, "http://billing/", "alice", null, new WriteOptions { Idempotency = new IdempotencyKey("old", "fp") });
            clock.Advance(TimeSpan.FromMinutes(30));
            await store.UpsertAsync(Key with { Version = "v2" }, "http://billing/", "alice", null, new WriteOptions { Idempotency = new IdempotencyKey("young", "fp") });
        }

        Assert.Equal("old,young", KeysIn());
        clock.Advance(TimeSpan.FromMinutes(45));

        // The first batch of a store instance purges (then every KeyPurgeInterval-th); the purge is in its transaction.
        await using (var store = await ServiceRouteStore.OpenAsync(options))
        {
            await store.ActivateAsync(Key, "bob", null);
        }

        Assert.Equal("young", KeysIn());
        await Assert.ThrowsAsync<ArgumentException>(() => ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { DataDirectory = _directory.Path, IdempotencyRetention = TimeSpan.Zero }));
    }

    private string KeysIn()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "crossroads.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(idempotency_key) FROM (SELECT idempotency_key FROM idempotency_keys ORDER BY idempotency_key)";
        return (string)command.ExecuteScalar()!;
    }
}
