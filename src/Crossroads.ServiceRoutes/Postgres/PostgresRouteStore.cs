using System.Data;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Crossroads.ServiceRoutes.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Crossroads.ServiceRoutes.Postgres;

/// <summary>
/// The store on PostgreSQL, shared by every replica. A write locks the route row (<c>SELECT … FOR UPDATE</c>),
/// decides, then takes the next revision and writes the route, audit and outbox rows in one statement, and commits.
/// The revision counter is a single row: its row lock is held from the increment to the commit, so revisions are
/// handed out in commit order and a rolled-back write leaves no gap. The price is that commits are serialized (one
/// WAL flush each); the statement is built so the lock is held for one round trip plus the commit.
/// </summary>
internal sealed class PostgresRouteStore : RouteStoreBase
{
    private const string RouteColumns = "tenant, service, env, version, url, active, revision, created_at, updated_at";
    private const string AuditColumns = "revision, event_id, tenant, service, env, version, action, url, state, previous_url, previous_state, changed_by, correlation_id, occurred_at";

    // An upsert that found no route inserts with ON CONFLICT DO NOTHING; losing to a concurrent creator rolls back and
    // retries as an update. A route is never deleted, so the second attempt finds it; three is generous.
    private const int MaxCreateAttempts = 3;

    private const string KeyCondition = "tenant = @tenant AND service = @service AND env = @env AND version = @version";

    // Data-modifying CTEs: "rev" runs first because "r" reads from it, and "a"/"o" read the revision from "r", so when
    // the route insert does nothing (a concurrent create won) no audit or outbox row is written either.
    private const string AuditAndOutbox = """
        a AS (
            INSERT INTO route_audit (revision, event_id, tenant, service, env, version, action, url, state, previous_url, previous_state, changed_by, correlation_id, occurred_at)
            SELECT r.revision, @event_id, @tenant, @service, @env, @version, @action, @url, @state, @previous_url, @previous_state, @changed_by, @correlation_id, @now FROM r),
        o AS (
            INSERT INTO outbox (revision, event_id, payload, occurred_at)
            SELECT r.revision, @event_id, (@payload_head || r.revision::text || @payload_tail)::json, @now FROM r)
        SELECT revision FROM r
        """;

    private const string InsertChangeSql = $"""
        WITH rev AS (UPDATE revision_counter SET revision = revision + 1 WHERE id = 1 RETURNING revision),
        r AS (
            INSERT INTO routes ({RouteColumns})
            SELECT @tenant, @service, @env, @version, @url, @active, rev.revision, @now, @now FROM rev
            ON CONFLICT DO NOTHING
            RETURNING revision),
        {AuditAndOutbox}
        """;

    private const string UpdateChangeSql = $"""
        WITH rev AS (UPDATE revision_counter SET revision = revision + 1 WHERE id = 1 RETURNING revision),
        r AS (
            UPDATE routes SET url = @url, active = @active, revision = rev.revision, updated_at = @now
            FROM rev WHERE {KeyCondition}
            RETURNING routes.revision),
        {AuditAndOutbox}
        """;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresRouteStore(NpgsqlDataSource dataSource, TimeProvider time, ILogger? logger)
        : base(time, logger)
    {
        _dataSource = dataSource;
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

        var store = new PostgresRouteStore(builder.Build(), options.TimeProvider, options.Logger);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            store.LogOpened();
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public override async IAsyncEnumerable<ServiceRoute> LoadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One statement reads one snapshot; Npgsql hands rows over as they arrive, so memory stays flat however many
        // routes there are. A try with a catch cannot hold a yield, hence the wrapped steps.
        var connection = await Guard(() => _dataSource.OpenConnectionAsync(cancellationToken).AsTask()).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand($"SELECT {RouteColumns} FROM routes ORDER BY tenant, service, env, version", connection);
            await using (command.ConfigureAwait(false))
            {
                var reader = await Guard(() => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await Guard(() => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
                    {
                        yield return ReadRoute(reader);
                    }
                }
            }
        }
    }

    public override Task<long> CurrentRevisionAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand("SELECT revision FROM revision_counter WHERE id = 1", connection);
            await using (command.ConfigureAwait(false))
            {
                return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }
        }, cancellationToken);

    protected override Task<RouteWriteResult> WriteCoreAsync(WriteRequest request, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            for (int attempt = 1; ; attempt++)
            {
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var current = await ReadRouteForUpdateAsync(connection, transaction, request.Key, ct).ConfigureAwait(false);
                    var decision = WritePlanner.Decide(request, current);
                    if (decision.NoWrite is { } outcome)
                    {
                        await transaction.RollbackAsync(ct).ConfigureAwait(false);
                        return outcome;
                    }

                    var change = new PendingChange(request, current, decision, Timestamps.Now(Time));
                    long? revision = await WriteChangeAsync(connection, transaction, change, ct).ConfigureAwait(false);
                    if (revision is null)
                    {
                        await transaction.RollbackAsync(ct).ConfigureAwait(false);
                        if (attempt == MaxCreateAttempts)
                        {
                            throw new InvalidOperationException($"route {request.Key} could not be created or updated after {attempt} attempts");
                        }

                        ServiceRoutesLog.ConcurrentCreateRetried(Logger, request.Key.ToString());
                        continue;
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return change.Complete(revision.Value);
                }
            }
        }, cancellationToken);

    protected override Task<ServiceRoute?> GetCoreAsync(RouteKey key, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT {RouteColumns} FROM routes WHERE {KeyCondition}", connection);
            await using (command.ConfigureAwait(false))
            {
                AddKey(command, key);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadRoute(reader) : null;
                }
            }
        }, cancellationToken);

    protected override Task<List<ServiceRoute>> ListCoreAsync(RouteFilter filter, RouteKey? after, int limit, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand(ListSql(filter, after, RouteColumns), connection);
            await using (command.ConfigureAwait(false))
            {
                foreach (var (name, value) in ListParameters(filter, after, limit))
                {
                    command.Parameters.Add(new NpgsqlParameter(name, value));
                }

                var routes = new List<ServiceRoute>(limit);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        routes.Add(ReadRoute(reader));
                    }
                }

                return routes;
            }
        }, cancellationToken);

    protected override Task<IReadOnlyList<RouteAuditEvent>> QueryAuditCoreAsync(AuditCriteria criteria, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<RouteAuditEvent>>(async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT {AuditColumns} FROM route_audit{criteria.SqlTail()}", connection);
            await using (command.ConfigureAwait(false))
            {
                foreach (var (name, value) in criteria.Parameters())
                {
                    command.Parameters.Add(new NpgsqlParameter(name, value));
                }

                var events = new List<RouteAuditEvent>(Math.Min(criteria.Limit, 256));
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        events.Add(ReadAudit(reader));
                    }
                }

                return events;
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
                        messages.Add(new OutboxMessage(reader.GetGuid(1), reader.GetInt64(0), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
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

    private static async Task<ServiceRoute?> ReadRouteForUpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RouteKey key, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT {RouteColumns} FROM routes WHERE {KeyCondition} FOR UPDATE", connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            AddKey(command, key);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRoute(reader) : null;
            }
        }
    }

    private static async Task<long?> WriteChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PendingChange change, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(change.Creates ? InsertChangeSql : UpdateChangeSql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            AddKey(command, change.Key);
            var parameters = command.Parameters;
            parameters.Add(new NpgsqlParameter("url", NpgsqlDbType.Text) { Value = change.Url });
            parameters.Add(new NpgsqlParameter("active", NpgsqlDbType.Boolean) { Value = change.State == RouteState.Active });
            parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = change.OccurredAt });
            parameters.Add(new NpgsqlParameter("event_id", NpgsqlDbType.Uuid) { Value = change.EventId });
            parameters.Add(new NpgsqlParameter("action", NpgsqlDbType.Text) { Value = change.Action });
            parameters.Add(new NpgsqlParameter("state", NpgsqlDbType.Text) { Value = PendingChange.StateName(change.State) });
            parameters.Add(new NpgsqlParameter("previous_url", NpgsqlDbType.Text) { Value = (object?)change.PreviousUrl ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter("previous_state", NpgsqlDbType.Text) { Value = (object?)PendingChange.StateName(change.PreviousState) ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter("changed_by", NpgsqlDbType.Text) { Value = change.ChangedBy });
            parameters.Add(new NpgsqlParameter("correlation_id", NpgsqlDbType.Text) { Value = (object?)change.CorrelationId ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter("payload_head", NpgsqlDbType.Text) { Value = change.PayloadHead });
            parameters.Add(new NpgsqlParameter("payload_tail", NpgsqlDbType.Text) { Value = change.PayloadTail });
            object? revision = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return revision is long value ? value : null;
        }
    }

    private static void AddKey(NpgsqlCommand command, RouteKey key)
    {
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = key.Tenant });
        command.Parameters.Add(new NpgsqlParameter("service", NpgsqlDbType.Text) { Value = key.Service });
        command.Parameters.Add(new NpgsqlParameter("env", NpgsqlDbType.Text) { Value = key.Env });
        command.Parameters.Add(new NpgsqlParameter("version", NpgsqlDbType.Text) { Value = key.Version });
    }

    private static ServiceRoute ReadRoute(NpgsqlDataReader reader) => new(
        new RouteKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)),
        reader.GetString(4),
        reader.GetBoolean(5) ? RouteState.Active : RouteState.Inactive,
        reader.GetInt64(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetFieldValue<DateTimeOffset>(8));

    private static RouteAuditEvent ReadAudit(NpgsqlDataReader reader) => new(
        reader.GetGuid(1),
        reader.GetInt64(0),
        new RouteKey(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)),
        reader.GetString(6),
        reader.GetString(7),
        PendingChange.ParseState(reader.GetString(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : PendingChange.ParseState(reader.GetString(10)),
        reader.GetString(11),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        reader.GetFieldValue<DateTimeOffset>(13));

    private static bool IsInfrastructure(Exception e) => e is NpgsqlException or TimeoutException or IOException or SocketException;

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        SchemaVersion = await RunAsync(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Held until commit: a replica starting meanwhile waits here, then finds the migrations applied.
                await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgresSchema.MigrationLockKey})", ct).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)", ct).ConfigureAwait(false);
                var applied = new HashSet<int>();
                var select = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction);
                await using (select.ConfigureAwait(false))
                {
                    var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            applied.Add(reader.GetInt32(0));
                        }
                    }
                }

                var newlyApplied = new List<Migration>();
                foreach (var migration in PostgresSchema.Migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
                {
                    await ExecuteAsync(connection, transaction, migration.Sql, ct).ConfigureAwait(false);
                    var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, now())", connection, transaction);
                    await using (record.ConfigureAwait(false))
                    {
                        record.Parameters.Add(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = migration.Version });
                        record.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = migration.Name });
                        await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    newlyApplied.Add(migration);
                    applied.Add(migration.Version);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                foreach (var migration in newlyApplied)
                {
                    ServiceRoutesLog.MigrationApplied(Logger, migration.Version, migration.Name, Provider);
                }

                return applied.Max();
            }
        }, cancellationToken).ConfigureAwait(false);

        int known = PostgresSchema.Migrations[^1].Version;
        if (SchemaVersion > known)
        {
            ServiceRoutesLog.SchemaNewerThanBuild(Logger, SchemaVersion, known);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="body"/> on a pooled connection, turning provider failures into <see cref="StoreUnavailableException"/>.</summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<T> Guard<T>(Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception e) when (IsInfrastructure(e))
        {
            throw Unavailable(e);
        }
    }

    private StoreUnavailableException Unavailable(Exception e)
    {
        // After a server restart every idle pooled connection is dead; dropping them makes the next call reconnect
        // instead of failing once per stale connection.
        _dataSource.Clear();
        string state = e is PostgresException postgres ? $" (SQLSTATE {postgres.SqlState})" : "";
        return new StoreUnavailableException($"the service route store (PostgreSQL) failed{state}: {e.Message}", e, e is NpgsqlException { IsTransient: true } or TimeoutException);
    }
}
