using System.Data.Common;
using System.Globalization;
using Crossroads.ServiceRoutes.Storage;
using static Crossroads.ServiceRoutes.Storage.StoreSql;
using Microsoft.Data.Sqlite;

namespace Crossroads.ServiceRoutes.Sqlite;

/// <summary>
/// The store on SQLite: one file (<c>crossroads.db</c>) for a single node. WAL journal with <c>synchronous=FULL</c>,
/// so a committed write survives a power cut; readers never wait for the writer. Writes run in
/// <c>BEGIN IMMEDIATE</c> transactions, which hold the database's single write lock from the first read, so the
/// read-decide-write sequence and the revision counter are serialized exactly as PostgreSQL's counter row lock
/// serializes them. Writers of this process queue on a semaphore; other processes' writers wait up to the busy timeout.
/// </summary>
internal sealed class SqliteRouteStore : RouteStoreBase
{

    // SQLite allows 32766 parameters per statement; stay far below.
    private const int MarkDeliveredChunk = 500;

    private readonly string _connectionString;
    private readonly int _busyTimeoutMilliseconds;

    // Writers of this process take turns here rather than spinning on SQLITE_BUSY (whose retry sleeps add latency).
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SqliteRouteStore(string databasePath, ServiceRouteStoreOptions options)
        : base(options)
    {
        var busyTimeout = options.BusyTimeout;
        DatabasePath = databasePath;
        _busyTimeoutMilliseconds = (int)Math.Clamp(busyTimeout.TotalMilliseconds, 0, int.MaxValue);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY itself until this many seconds have passed.
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
    }

    public override string Provider => "sqlite";

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    public static async Task<SqliteRouteStore> OpenAsync(ServiceRouteStoreOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            throw new ArgumentException("a data directory is required for the SQLite store (or give a PostgreSQL connection string)", nameof(options));
        }

        string directory = Path.GetFullPath(options.DataDirectory);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"the service route store (SQLite) cannot create its data directory {directory}: {e.Message}", e);
        }

        var store = new SqliteRouteStore(Path.Combine(directory, ServiceRouteStoreOptions.SqliteFileName), options);
        return await StartAsync(store, static (store, ct) => store.InitializeAsync(ct), cancellationToken).ConfigureAwait(false);
    }

    protected override StoreRows Rows => SqliteRows.Instance;

    protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override object ToParameterValue(object value) => value is DateTimeOffset time ? Timestamps.ToUnixMicroseconds(time) : value;

    protected override ValueTask DisposeCoreAsync()
    {
        // Pooled connections keep the file open; closing them lets the last one checkpoint the WAL and lets tests
        // delete the directory.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writeGate.Dispose();
        return ValueTask.CompletedTask;
    }

    public override Task<long> CurrentRevisionAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async (connection, ct) =>
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = CurrentRevision;
                return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }
        }, cancellationToken);

    protected override Task ExecuteBatchAsync(BatchReads reads, BatchPlanner plan) =>
        RunWriteAsync(async (connection, transaction, ct) =>
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.Transaction = transaction;
                command.CommandText = CurrentRevision;
                long revision = (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                var routes = new Dictionary<RouteKey, ServiceRoute>(reads.Routes.Count);
                foreach (var key in reads.Routes)
                {
                    if (await ReadRouteAsync(connection, transaction, key, ct).ConfigureAwait(false) is { } route)
                    {
                        routes[key] = route;
                    }
                }

                var splits = new Dictionary<SplitKey, WeightedSplit>(reads.Splits.Count);
                foreach (var key in reads.Splits)
                {
                    if (await ReadSplitAsync(connection, transaction, key, ct).ConfigureAwait(false) is { } split)
                    {
                        splits[key] = split;
                    }
                }

                var keys = new Dictionary<IdempotencyScope, IdempotencyRecord>(reads.Keys.Count);
                foreach (var scope in reads.Keys)
                {
                    if (await ReadKeyAsync(connection, transaction, scope, ct).ConfigureAwait(false) is { } record)
                    {
                        keys[scope] = record;
                    }
                }

                var decided = plan(new BatchState(revision, routes, splits, keys));
                foreach (var change in decided.Changes)
                {
                    await WriteChangeAsync(connection, transaction, change, ct).ConfigureAwait(false);
                }

                foreach (var change in decided.SplitChanges)
                {
                    await WriteSplitChangeAsync(connection, transaction, change, ct).ConfigureAwait(false);
                }

                if (decided.PurgeKeysBefore is { } cutoff)
                {
                    command.CommandText = "DELETE FROM idempotency_keys WHERE created_at < @cutoff";
                    command.Parameters.AddWithValue("cutoff", Timestamps.ToUnixMicroseconds(cutoff));
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    command.Parameters.Clear();
                }

                foreach (var key in decided.KeyWrites)
                {
                    await WriteKeyAsync(connection, transaction, key, ct).ConfigureAwait(false);
                }

                if (decided.HasChanges)
                {
                    command.CommandText = "UPDATE revision_counter SET revision = @revision WHERE id = 1";
                    command.Parameters.AddWithValue("revision", decided.Revision);
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                return (true, decided.HasWrites);
            }
        }, CancellationToken.None);

    protected override Task<OutboxWindow> ReadOutboxCoreAsync(long since, int limit, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            // One read transaction: a WAL snapshot, so the three reads agree.
            var transaction = connection.BeginTransaction(deferred: true);
            await using (transaction.ConfigureAwait(false))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.Transaction = transaction;
                    command.CommandText = CurrentRevision;
                    long current = (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                    command.CommandText = "SELECT min(revision) FROM outbox";
                    long? oldest = await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long min ? min : null;
                    command.CommandText = "SELECT event_id, revision, payload, occurred_at FROM outbox WHERE revision > @since ORDER BY revision LIMIT @limit";
                    command.Parameters.AddWithValue("since", since);
                    command.Parameters.AddWithValue("limit", limit);
                    var events = new List<EventFeedEntry>(Math.Min(limit, 256));
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            events.Add(Rows.FeedEntry(reader));
                        }
                    }

                    return new OutboxWindow(current, oldest, events);
                }
            }
        }, cancellationToken);

    protected override Task<int> PurgeOutboxCoreAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        RunWriteAsync(async (connection, transaction, ct) =>
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.Transaction = transaction;
                command.CommandText = PurgeOutbox;
                command.Parameters.AddWithValue("cutoff", Timestamps.ToUnixMicroseconds(olderThan));
                int deleted = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return (deleted, deleted > 0);
            }
        }, cancellationToken);

    private static async Task<IdempotencyRecord?> ReadKeyAsync(SqliteConnection connection, SqliteTransaction transaction, IdempotencyScope scope, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT fingerprint, kind, status, outcome, created_at FROM idempotency_keys WHERE actor = @actor AND idempotency_key = @key";
            command.Parameters.AddWithValue("actor", scope.Actor);
            command.Parameters.AddWithValue("key", scope.Key);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                return SqliteRows.Instance.Key(reader, scope);
            }
        }
    }

    private static async Task WriteKeyAsync(SqliteConnection connection, SqliteTransaction transaction, IdempotencyRecord key, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO idempotency_keys ({KeyColumns}) VALUES (@actor, @key, @fingerprint, @kind, @status, @outcome, @revision, @created_at) {ReplaceExpiredKey}";
            var parameters = command.Parameters;
            parameters.AddWithValue("actor", key.Scope.Actor);
            parameters.AddWithValue("key", key.Scope.Key);
            parameters.AddWithValue("fingerprint", key.Fingerprint);
            parameters.AddWithValue("kind", key.Kind);
            parameters.AddWithValue("status", key.Status);
            parameters.AddWithValue("outcome", key.OutcomeJson);
            parameters.AddWithValue("revision", (object?)key.Revision ?? DBNull.Value);
            parameters.AddWithValue("created_at", Timestamps.ToUnixMicroseconds(key.CreatedAt));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task<ServiceRoute?> GetCoreAsync(RouteKey key, CancellationToken cancellationToken) =>
        RunAsync((connection, ct) => ReadRouteAsync(connection, null, key, ct), cancellationToken);

    protected override Task<WeightedSplit?> GetSplitCoreAsync(SplitKey key, CancellationToken cancellationToken) =>
        RunAsync((connection, ct) => ReadSplitAsync(connection, null, key, ct), cancellationToken);

    protected override Task<IReadOnlyList<OutboxMessage>> ClaimCoreAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        RunWriteAsync<IReadOnlyList<OutboxMessage>>(async (connection, transaction, ct) =>
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE outbox SET claimed_until = @until, attempts = attempts + 1
                    WHERE revision IN (
                        SELECT revision FROM outbox
                        WHERE delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until <= @now)
                        ORDER BY revision LIMIT @limit)
                    RETURNING revision, event_id, payload, occurred_at, attempts
                    """;
                command.Parameters.AddWithValue("until", Timestamps.ToUnixMicroseconds(leaseUntil));
                command.Parameters.AddWithValue("now", Timestamps.ToUnixMicroseconds(now));
                command.Parameters.AddWithValue("limit", limit);
                var messages = new List<OutboxMessage>(limit);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        messages.Add(Rows.Outbox(reader));
                    }
                }

                // UPDATE … RETURNING does not keep the subquery's order.
                messages.Sort(static (x, y) => x.Revision.CompareTo(y.Revision));
                return (messages, messages.Count > 0);
            }
        }, cancellationToken);

    protected override Task<int> MarkDeliveredCoreAsync(Guid[] eventIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunWriteAsync(async (connection, transaction, ct) =>
        {
            int marked = 0;
            foreach (var chunk in eventIds.Chunk(MarkDeliveredChunk))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.Transaction = transaction;
                    var names = new string[chunk.Length];
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        names[i] = "@id" + i.ToString(CultureInfo.InvariantCulture);
                        command.Parameters.AddWithValue(names[i], chunk[i].ToString("D"));
                    }

                    command.CommandText = $"UPDATE outbox SET delivered_at = @now, claimed_until = NULL WHERE delivered_at IS NULL AND event_id IN ({string.Join(", ", names)})";
                    command.Parameters.AddWithValue("now", Timestamps.ToUnixMicroseconds(now));
                    marked += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            return (marked, marked > 0);
        }, cancellationToken);

    private static async Task<ServiceRoute?> ReadRouteAsync(SqliteConnection connection, SqliteTransaction? transaction, RouteKey key, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {RouteColumns} FROM routes WHERE {RouteKeyCondition}";
            AddKey(command, key);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteRows.Instance.Route(reader) : null;
            }
        }
    }

    private static async Task WriteChangeAsync(SqliteConnection connection, SqliteTransaction transaction, PendingChange change, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = (change.Creates
                ? $"INSERT INTO routes ({RouteColumns}) VALUES (@tenant, @service, @env, @version, @url, @active, @revision, @now, @now);"
                : $"UPDATE routes SET url = @url, active = @active, revision = @revision, updated_at = @now WHERE {RouteKeyCondition};") + $"""

                INSERT INTO route_audit ({AuditColumns})
                VALUES (@revision, @event_id, @tenant, @service, @env, @version, @action, @url, @state, @previous_url, @previous_state, @changed_by, @correlation_id, @now);

                INSERT INTO outbox (revision, event_id, payload, occurred_at) VALUES (@revision, @event_id, @payload, @now);
                """;
            var e = change.Event;
            AddKey(command, e.Key);
            var parameters = command.Parameters;
            parameters.AddWithValue("url", e.Url);
            parameters.AddWithValue("active", e.State == RouteState.Active ? 1 : 0);
            parameters.AddWithValue("revision", e.Revision);
            parameters.AddWithValue("now", Timestamps.ToUnixMicroseconds(e.OccurredAt));
            parameters.AddWithValue("event_id", e.EventId.ToString("D"));
            parameters.AddWithValue("action", e.Action);
            parameters.AddWithValue("state", PendingChange.StateName(e.State));
            parameters.AddWithValue("previous_url", (object?)e.PreviousUrl ?? DBNull.Value);
            parameters.AddWithValue("previous_state", (object?)PendingChange.StateName(e.PreviousState) ?? DBNull.Value);
            parameters.AddWithValue("changed_by", e.ChangedBy);
            parameters.AddWithValue("correlation_id", (object?)e.CorrelationId ?? DBNull.Value);
            parameters.AddWithValue("payload", change.Payload);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<WeightedSplit?> ReadSplitAsync(SqliteConnection connection, SqliteTransaction? transaction, SplitKey key, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {SplitColumns} FROM splits WHERE {SplitKeyCondition}";
            AddKey(command, key);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteRows.Instance.Split(reader) : null;
            }
        }
    }

    private static async Task WriteSplitChangeAsync(SqliteConnection connection, SqliteTransaction transaction, PendingSplitChange change, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            string split = change.Deletes
                ? $"DELETE FROM splits WHERE {SplitKeyCondition};"
                : change.Creates
                    ? $"INSERT INTO splits ({SplitColumns}) VALUES (@tenant, @service, @env, @weights, @revision, @now, @now);"
                    : $"UPDATE splits SET weights = @weights, revision = @revision, updated_at = @now WHERE {SplitKeyCondition};";
            command.CommandText = split + $"""

                INSERT INTO split_audit ({SplitAuditColumns})
                VALUES (@revision, @event_id, @tenant, @service, @env, @action, @weights, @previous_weights, @changed_by, @correlation_id, @now);

                INSERT INTO outbox (revision, event_id, payload, occurred_at) VALUES (@revision, @event_id, @payload, @now);
                """;
            var e = change.Event;
            AddKey(command, e.Key);
            var parameters = command.Parameters;
            parameters.AddWithValue("weights", (object?)e.Weights?.ToJson() ?? DBNull.Value);
            parameters.AddWithValue("previous_weights", (object?)e.PreviousWeights?.ToJson() ?? DBNull.Value);
            parameters.AddWithValue("revision", e.Revision);
            parameters.AddWithValue("now", Timestamps.ToUnixMicroseconds(e.OccurredAt));
            parameters.AddWithValue("event_id", e.EventId.ToString("D"));
            parameters.AddWithValue("action", e.Action);
            parameters.AddWithValue("changed_by", e.ChangedBy);
            parameters.AddWithValue("correlation_id", (object?)e.CorrelationId ?? DBNull.Value);
            parameters.AddWithValue("payload", change.Payload);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddKey(SqliteCommand command, SplitKey key)
    {
        command.Parameters.AddWithValue("tenant", key.Tenant);
        command.Parameters.AddWithValue("service", key.Service);
        command.Parameters.AddWithValue("env", key.Env);
    }

    private static void AddKey(SqliteCommand command, RouteKey key)
    {
        command.Parameters.AddWithValue("tenant", key.Tenant);
        command.Parameters.AddWithValue("service", key.Service);
        command.Parameters.AddWithValue("env", key.Env);
        command.Parameters.AddWithValue("version", key.Version);
    }

    // SQLITE_ERROR (1), SQLITE_ABORT (4), SQLITE_CONSTRAINT (19, also what a trigger's RAISE(ABORT) gives).
    protected override bool IsStatementFailure(Exception exception) =>
        exception.InnerException is SqliteException { SqliteErrorCode: 1 or 4 or 19 };

    protected override bool IsInfrastructure(Exception exception) => exception is SqliteException or IOException;

    protected override StoreUnavailableException Unavailable(Exception exception)
    {
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another writer held the lock past the busy timeout.
        bool transient = exception is SqliteException { SqliteErrorCode: 5 or 6 };
        return new StoreUnavailableException($"the service route store (SQLite) failed: {exception.Message}", exception, transient);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        string mode = await RunAsync(async (connection, ct) =>
        {
            // Persistent in the file; must run outside a transaction.
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "PRAGMA journal_mode = WAL";
                return (string)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreUnavailableException($"the service route store (SQLite) could not switch {DatabasePath} to WAL mode (it is in '{mode}' mode); is it on a network file system?");
        }

        var newlyApplied = new List<Migration>();
        SchemaVersion = await RunWriteAsync(async (connection, transaction, ct) =>
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.Transaction = transaction;
                command.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                command.CommandText = "SELECT version FROM schema_migrations";
                var applied = new HashSet<int>();
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        applied.Add(reader.GetInt32(0));
                    }
                }

                foreach (var migration in SqliteSchema.Migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
                {
                    command.CommandText = migration.Sql;
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    command.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @applied_at)";
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("version", migration.Version);
                    command.Parameters.AddWithValue("name", migration.Name);
                    command.Parameters.AddWithValue("applied_at", Timestamps.ToUnixMicroseconds(Timestamps.Now(Time)));
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    command.Parameters.Clear();
                    newlyApplied.Add(migration);
                    applied.Add(migration.Version);
                }

                return (applied.Max(), newlyApplied.Count > 0);
            }
        }, cancellationToken).ConfigureAwait(false);

        ReportMigrations(newlyApplied, SqliteSchema.Migrations);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Per connection (a pooled one keeps them, but a fresh one starts with the defaults): FULL makes every WAL
            // commit reach the disk before it returns; busy_timeout makes SQLite itself wait for another process' lock.
            var pragma = connection.CreateCommand();
            await using (pragma.ConfigureAwait(false))
            {
                pragma.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {_busyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)};";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<T> RunAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await body(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsInfrastructure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> in a <c>BEGIN IMMEDIATE</c> transaction under the write gate; commits when it
    /// returns <c>Commit = true</c>, else rolls back.
    /// </summary>
    private async Task<T> RunWriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<(T Result, bool Commit)>> body, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunAsync(async (connection, ct) =>
            {
                // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, before the reads the decision rests on.
                var transaction = connection.BeginTransaction(deferred: false);
                await using (transaction.ConfigureAwait(false))
                {
                    var (result, commit) = await body(connection, transaction, ct).ConfigureAwait(false);
                    if (commit)
                    {
                        await transaction.CommitAsync(ct).ConfigureAwait(false);
                    }
                    else
                    {
                        await transaction.RollbackAsync(ct).ConfigureAwait(false);
                    }

                    return result;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
