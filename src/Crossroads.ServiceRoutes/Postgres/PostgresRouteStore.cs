using System.Data;
using System.Data.Common;
using System.Globalization;
using Crossroads.Postgres;
using Crossroads.ServiceRoutes.Storage;
using static Crossroads.ServiceRoutes.Storage.StoreSql;
using Npgsql;
using NpgsqlTypes;

namespace Crossroads.ServiceRoutes.Postgres;

/// <summary>
/// The store on PostgreSQL, shared by every replica. A write batch locks the single revision counter row first
/// (<c>SELECT … FOR UPDATE</c>): every writer of every replica queues there, so decisions rest on committed state,
/// revisions are handed out in commit order, and a rolled-back batch leaves no gap. The batch's reads go in one round
/// trip, its writes and the counter update in a second, then the commit.
/// </summary>
internal sealed class PostgresRouteStore : RouteStoreBase
{

    // Positional ($n) in batches: one statement text per kind, so each is prepared once and reused.
    private const string LockCounterSql = "SELECT revision FROM revision_counter WHERE id = 1 FOR UPDATE";
    private const string SelectRouteSql = $"SELECT {RouteColumns} FROM routes WHERE tenant = $1 AND service = $2 AND env = $3 AND version = $4";
    private const string InsertRouteSql = $"INSERT INTO routes ({RouteColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
    private const string UpdateRouteSql = "UPDATE routes SET url = $5, active = $6, revision = $7, updated_at = $8 WHERE tenant = $1 AND service = $2 AND env = $3 AND version = $4";
    private const string InsertAuditSql = $"INSERT INTO route_audit ({AuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
    private const string InsertOutboxSql = "INSERT INTO outbox (revision, event_id, payload, occurred_at) VALUES ($1, $2, $3::json, $4)";
    private const string SetCounterSql = "UPDATE revision_counter SET revision = $1 WHERE id = 1";

    private const string SelectSplitSql = $"SELECT {SplitColumns} FROM splits WHERE tenant = $1 AND service = $2 AND env = $3";
    private const string InsertSplitSql = $"INSERT INTO splits ({SplitColumns}) VALUES ($1, $2, $3, $4::json, $5, $6, $6)";
    private const string UpdateSplitSql = "UPDATE splits SET weights = $4::json, revision = $5, updated_at = $6 WHERE tenant = $1 AND service = $2 AND env = $3";
    private const string DeleteSplitSql = "DELETE FROM splits WHERE tenant = $1 AND service = $2 AND env = $3";
    private const string InsertSplitAuditSql = $"INSERT INTO split_audit ({SplitAuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8::json, $9, $10, $11)";

    private const string SelectKeySql = "SELECT fingerprint, kind, status, outcome::text, created_at FROM idempotency_keys WHERE actor = $1 AND idempotency_key = $2";

    private const string UpsertKeySql = $"INSERT INTO idempotency_keys ({KeyColumns}) VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8) {StoreSql.ReplaceExpiredKey}";

    private const string PurgeKeysSql = "DELETE FROM idempotency_keys WHERE created_at < $1";
    private const string NotifySql = $"SELECT pg_notify('{PostgresChangeListener.Channel}', $1)";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresChangeListener _listen;

    private PostgresRouteStore(NpgsqlDataSource dataSource, ServiceRouteStoreOptions options)
        : base(options)
    {
        _dataSource = dataSource;
        _listen = new PostgresChangeListener(options.ConnectionString!, Logger);
    }

    public override string Provider => "postgresql";

    public static async Task<PostgresRouteStore> OpenAsync(ServiceRouteStoreOptions options, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The same dozen statements run all the time; prepared, they skip parsing and planning.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        return await StartAsync(new PostgresRouteStore(builder.Build(), options), static (store, ct) => store.MigrateAsync(ct), cancellationToken).ConfigureAwait(false);
    }

    protected override StoreRows Rows => PostgresRows.Instance;

    protected override ValueTask DisposeCoreAsync() => _dataSource.DisposeAsync();

    protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override Task<long> CurrentRevisionAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand(CurrentRevision, connection);
            await using (command.ConfigureAwait(false))
            {
                return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }
        }, cancellationToken);

    protected override Func<Changes.ChangeListener, CancellationToken, Task> RemoteSignals => _listen.RunAsync;

    protected override Task ExecuteBatchAsync(BatchReads reads, BatchPlanner plan) =>
        RunAsync(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var state = await ReadBatchStateAsync(connection, transaction, reads, ct).ConfigureAwait(false);
                var decided = plan(state);
                if (!decided.HasWrites)
                {
                    await transaction.RollbackAsync(ct).ConfigureAwait(false);
                    return true;
                }

                var write = new NpgsqlBatch(connection, transaction);
                await using (write.ConfigureAwait(false))
                {
                    var commands = write.BatchCommands;
                    foreach (var change in decided.Changes)
                    {
                        AddChange(commands, change);
                    }

                    foreach (var change in decided.SplitChanges)
                    {
                        AddSplitChange(commands, change);
                    }

                    if (decided.PurgeKeysBefore is { } cutoff)
                    {
                        commands.Add(Command(PurgeKeysSql, Positional(NpgsqlDbType.TimestampTz, cutoff)));
                    }

                    foreach (var key in decided.KeyWrites)
                    {
                        commands.Add(Command(
                            UpsertKeySql,
                            Positional(NpgsqlDbType.Text, key.Scope.Actor),
                            Positional(NpgsqlDbType.Text, key.Scope.Key),
                            Positional(NpgsqlDbType.Text, key.Fingerprint),
                            Positional(NpgsqlDbType.Text, key.Kind),
                            Positional(NpgsqlDbType.Text, key.Status),
                            Positional(NpgsqlDbType.Text, key.OutcomeJson),
                            Positional(NpgsqlDbType.Bigint, key.Revision),
                            Positional(NpgsqlDbType.TimestampTz, key.CreatedAt)));
                    }

                    if (decided.HasChanges)
                    {
                        commands.Add(Command(SetCounterSql, Positional(NpgsqlDbType.Bigint, decided.Revision)));
                        // Delivered on commit only, after the rows are visible: a listener that hears N can read N.
                        commands.Add(Command(NotifySql, Positional(NpgsqlDbType.Text, decided.Revision.ToString(CultureInfo.InvariantCulture))));
                    }

                    await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return true;
            }
        }, CancellationToken.None);

    /// <summary>
    /// Locks the counter and reads the batch's routes, splits and idempotency keys, all in one round trip. The counter
    /// first: once it is ours, nobody else writes until we commit, and each read after it (READ COMMITTED: a fresh
    /// snapshot per statement) sees every earlier commit.
    /// </summary>
    private static async Task<BatchState> ReadBatchStateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, BatchReads reads, CancellationToken ct)
    {
        long revision;
        var routes = new Dictionary<RouteKey, ServiceRoute>(reads.Routes.Count);
        var splits = new Dictionary<SplitKey, WeightedSplit>(reads.Splits.Count);
        var keys = new Dictionary<IdempotencyScope, IdempotencyRecord>(reads.Keys.Count);
        var read = new NpgsqlBatch(connection, transaction);
        await using (read.ConfigureAwait(false))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand(LockCounterSql));
            foreach (var key in reads.Routes)
            {
                var select = new NpgsqlBatchCommand(SelectRouteSql);
                AddKey(select.Parameters, key);
                read.BatchCommands.Add(select);
            }

            foreach (var key in reads.Splits)
            {
                var select = new NpgsqlBatchCommand(SelectSplitSql);
                AddKey(select.Parameters, key);
                read.BatchCommands.Add(select);
            }

            var scopes = reads.Keys.ToArray();
            foreach (var scope in scopes)
            {
                read.BatchCommands.Add(Command(SelectKeySql, Positional(NpgsqlDbType.Text, scope.Actor), Positional(NpgsqlDbType.Text, scope.Key)));
            }

            var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(ct).ConfigureAwait(false);
                revision = reader.GetInt64(0);
                // One result set per statement, in order: the routes', the splits', then the keys'.
                int splitsFrom = reads.Routes.Count;
                int keysFrom = splitsFrom + reads.Splits.Count;
                for (int set = 0; await reader.NextResultAsync(ct).ConfigureAwait(false); set++)
                {
                    if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        continue;
                    }

                    if (set < splitsFrom)
                    {
                        var route = PostgresRows.Instance.Route(reader);
                        routes[route.Key] = route;
                    }
                    else if (set < keysFrom)
                    {
                        var split = PostgresRows.Instance.Split(reader);
                        splits[split.Key] = split;
                    }
                    else
                    {
                        var scope = scopes[set - keysFrom];
                        keys[scope] = PostgresRows.Instance.Key(reader, scope);
                    }
                }
            }
        }

        return new BatchState(revision, routes, splits, keys);
    }

    protected override Task<OutboxWindow> ReadOutboxCoreAsync(long since, int limit, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var read = new NpgsqlBatch(connection);
            await using (read.ConfigureAwait(false))
            {
                read.BatchCommands.Add(new NpgsqlBatchCommand(CurrentRevision));
                read.BatchCommands.Add(new NpgsqlBatchCommand("SELECT min(revision) FROM outbox"));
                read.BatchCommands.Add(Command(
                    "SELECT event_id, revision, payload::text, occurred_at FROM outbox WHERE revision > $1 ORDER BY revision LIMIT $2",
                    Positional(NpgsqlDbType.Bigint, since),
                    Positional(NpgsqlDbType.Integer, limit)));
                var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    long current = reader.GetInt64(0);
                    await reader.NextResultAsync(ct).ConfigureAwait(false);
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    long? oldest = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                    await reader.NextResultAsync(ct).ConfigureAwait(false);
                    var events = new List<EventFeedEntry>(Math.Min(limit, 256));
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        events.Add(Rows.FeedEntry(reader));
                    }

                    return new OutboxWindow(current, oldest, events);
                }
            }
        }, cancellationToken);

    protected override Task<int> PurgeOutboxCoreAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand(PurgeOutbox, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter("cutoff", NpgsqlDbType.TimestampTz) { Value = olderThan });
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken);

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    protected override Task<ServiceRoute?> GetCoreAsync(RouteKey key, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT {RouteColumns} FROM routes WHERE {RouteKeyCondition}", connection);
            await using (command.ConfigureAwait(false))
            {
                AddKey(command, key);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? Rows.Route(reader) : null;
                }
            }
        }, cancellationToken);

    protected override Task<WeightedSplit?> GetSplitCoreAsync(SplitKey key, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand(SelectSplitSql, connection);
            await using (command.ConfigureAwait(false))
            {
                AddKey(command.Parameters, key);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? Rows.Split(reader) : null;
                }
            }
        }, cancellationToken);

    protected override Task<IReadOnlyList<OutboxMessage>> ClaimCoreAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<OutboxMessage>>(async (connection, ct) =>
        {
            // SKIP LOCKED: two relays claiming at once take different messages instead of waiting for each other.
            var command = new NpgsqlCommand("""
                UPDATE outbox SET claimed_until = @until, attempts = attempts + 1
                WHERE revision IN (
                    SELECT revision FROM outbox
                    WHERE delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until <= @now)
                    ORDER BY revision LIMIT @limit
                    FOR UPDATE SKIP LOCKED)
                RETURNING revision, event_id, payload::text, occurred_at, attempts
                """, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter("until", NpgsqlDbType.TimestampTz) { Value = leaseUntil });
                command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now });
                command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
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
                return messages;
            }
        }, cancellationToken);

    protected override Task<int> MarkDeliveredCoreAsync(Guid[] eventIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand("UPDATE outbox SET delivered_at = @now, claimed_until = NULL WHERE event_id = ANY(@ids) AND delivered_at IS NULL", connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now });
                command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = eventIds });
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken);

    private static void AddChange(NpgsqlBatchCommandCollection commands, PendingChange change)
    {
        var route = change.Route;
        var routeCommand = new NpgsqlBatchCommand(change.Creates ? InsertRouteSql : UpdateRouteSql);
        AddKey(routeCommand.Parameters, route.Key);
        routeCommand.Parameters.Add(Positional(NpgsqlDbType.Text, route.Url));
        routeCommand.Parameters.Add(Positional(NpgsqlDbType.Boolean, route.IsActive));
        routeCommand.Parameters.Add(Positional(NpgsqlDbType.Bigint, route.Revision));
        routeCommand.Parameters.Add(Positional(NpgsqlDbType.TimestampTz, route.UpdatedAt));
        commands.Add(routeCommand);

        var e = change.Event;
        var audit = new NpgsqlBatchCommand(InsertAuditSql);
        audit.Parameters.Add(Positional(NpgsqlDbType.Bigint, e.Revision));
        audit.Parameters.Add(Positional(NpgsqlDbType.Uuid, e.EventId));
        AddKey(audit.Parameters, e.Key);
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.Action));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.Url));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, PendingChange.StateName(e.State)));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.PreviousUrl));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, PendingChange.StateName(e.PreviousState)));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.ChangedBy));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.CorrelationId));
        audit.Parameters.Add(Positional(NpgsqlDbType.TimestampTz, e.OccurredAt));
        commands.Add(audit);

        AddOutbox(commands, e.Revision, e.EventId, change.Payload, e.OccurredAt);
    }

    private static void AddSplitChange(NpgsqlBatchCommandCollection commands, PendingSplitChange change)
    {
        var e = change.Event;
        var splitCommand = new NpgsqlBatchCommand(change.Deletes ? DeleteSplitSql : change.Creates ? InsertSplitSql : UpdateSplitSql);
        AddKey(splitCommand.Parameters, e.Key);
        if (!change.Deletes)
        {
            splitCommand.Parameters.Add(Positional(NpgsqlDbType.Text, e.Weights!.ToJson()));
            splitCommand.Parameters.Add(Positional(NpgsqlDbType.Bigint, e.Revision));
            splitCommand.Parameters.Add(Positional(NpgsqlDbType.TimestampTz, e.OccurredAt));
        }

        commands.Add(splitCommand);

        var audit = new NpgsqlBatchCommand(InsertSplitAuditSql);
        audit.Parameters.Add(Positional(NpgsqlDbType.Bigint, e.Revision));
        audit.Parameters.Add(Positional(NpgsqlDbType.Uuid, e.EventId));
        AddKey(audit.Parameters, e.Key);
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.Action));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.Weights?.ToJson()));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.PreviousWeights?.ToJson()));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.ChangedBy));
        audit.Parameters.Add(Positional(NpgsqlDbType.Text, e.CorrelationId));
        audit.Parameters.Add(Positional(NpgsqlDbType.TimestampTz, e.OccurredAt));
        commands.Add(audit);

        AddOutbox(commands, e.Revision, e.EventId, change.Payload, e.OccurredAt);
    }

    private static void AddOutbox(NpgsqlBatchCommandCollection commands, long revision, Guid eventId, string payload, DateTimeOffset occurredAt) =>
        commands.Add(Command(
            InsertOutboxSql,
            Positional(NpgsqlDbType.Bigint, revision),
            Positional(NpgsqlDbType.Uuid, eventId),
            Positional(NpgsqlDbType.Text, payload),
            Positional(NpgsqlDbType.TimestampTz, occurredAt)));

    /// <summary>The split key as three positional parameters ($1..$3 of a batch statement).</summary>
    private static void AddKey(NpgsqlParameterCollection parameters, SplitKey key)
    {
        parameters.Add(Positional(NpgsqlDbType.Text, key.Tenant));
        parameters.Add(Positional(NpgsqlDbType.Text, key.Service));
        parameters.Add(Positional(NpgsqlDbType.Text, key.Env));
    }

    private static NpgsqlParameter Positional(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    /// <summary>The key as four positional parameters ($1..$4 of a batch statement).</summary>
    private static void AddKey(NpgsqlParameterCollection parameters, RouteKey key)
    {
        parameters.Add(Positional(NpgsqlDbType.Text, key.Tenant));
        parameters.Add(Positional(NpgsqlDbType.Text, key.Service));
        parameters.Add(Positional(NpgsqlDbType.Text, key.Env));
        parameters.Add(Positional(NpgsqlDbType.Text, key.Version));
    }

    /// <summary>The key as the named parameters of <see cref="RouteKeyCondition"/>.</summary>
    private static void AddKey(NpgsqlCommand command, RouteKey key)
    {
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = key.Tenant });
        command.Parameters.Add(new NpgsqlParameter("service", NpgsqlDbType.Text) { Value = key.Service });
        command.Parameters.Add(new NpgsqlParameter("env", NpgsqlDbType.Text) { Value = key.Env });
        command.Parameters.Add(new NpgsqlParameter("version", NpgsqlDbType.Text) { Value = key.Version });
    }

    protected override bool IsStatementFailure(Exception exception) =>
        exception.InnerException is PostgresException { SqlState: var state } && !IsServerOrConnectionState(state);

    // Classes 08 (connection), 53 (insufficient resources), 57 (operator intervention, e.g. shutdown), 58 (system error).
    private static bool IsServerOrConnectionState(string state) => state.StartsWith("08", StringComparison.Ordinal)
        || state.StartsWith("53", StringComparison.Ordinal) || state.StartsWith("57", StringComparison.Ordinal) || state.StartsWith("58", StringComparison.Ordinal);

    protected override bool IsInfrastructure(Exception exception) => PostgresCalls.IsInfrastructure(exception);

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = PostgresSchema.Migrations.Select(static m => new PostgresMigration(m.Version, m.Name, m.Sql)).ToList();
        var (version, newlyApplied) = await RunAsync(
            (connection, ct) => PostgresMigrator.MigrateAsync(connection, "schema_migrations", PostgresSchema.MigrationLockKey, migrations, ct),
            cancellationToken).ConfigureAwait(false);
        SchemaVersion = version;
        ReportMigrations(newlyApplied.Select(static m => new Migration(m.Version, m.Name, m.Sql)), PostgresSchema.Migrations);
    }

    /// <summary>Runs <paramref name="body"/> on a pooled connection, turning provider failures into <see cref="StoreUnavailableException"/>.</summary>
    private Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        _dataSource.RunAsync(body, Unavailable, cancellationToken);

    protected override StoreUnavailableException Unavailable(Exception exception)
    {
        // After a server restart every idle pooled connection is dead; dropping them makes the next call reconnect
        // instead of failing once per stale connection.
        _dataSource.Clear();
        return new StoreUnavailableException($"the service route store (PostgreSQL) failed{PostgresCalls.SqlStateSuffix(exception)}: {exception.Message}", exception, exception is NpgsqlException { IsTransient: true } or TimeoutException);
    }
}
