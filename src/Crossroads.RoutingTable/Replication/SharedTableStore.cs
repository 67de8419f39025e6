using Crossroads.Postgres;
using Crossroads.RoutingTable.Addressing;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Crossroads.RoutingTable.Replication;

/// <summary>
/// The shared table's rows on PostgreSQL: one row per changed (prefix, next hop) with its metric and the revision that
/// last changed it, a single-row revision counter and the recorded base table. A write locks the counter row first
/// (<c>UPDATE … RETURNING</c>): writers of every replica queue there, so revisions commit in order and a reader that
/// asks for <c>revision &gt; N</c> never misses one that commits later with a lower number.
/// </summary>
internal sealed class SharedTableStore : IAsyncDisposable
{
    private const string RowColumns = "prefix, next_hop, metric, revision";
    private const string BumpSql = "UPDATE routing_table_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision";
    private const string SinceSql = $"SELECT {RowColumns} FROM routing_table_metrics WHERE revision > $1";

    // One metric for every route of a write: two arrays, unnested, upserted in one statement (an orlonger write may
    // touch ~10k routes). The revision is the one this transaction's first statement set.
    private const string UpsertSql = """
        INSERT INTO routing_table_metrics (prefix, next_hop, metric, revision)
        SELECT u.prefix, u.next_hop, $3, r.revision FROM unnest($1::text[], $2::text[]) AS u(prefix, next_hop), routing_table_revision r WHERE r.id = 1
        ON CONFLICT (prefix, next_hop) DO UPDATE SET metric = EXCLUDED.metric, revision = EXCLUDED.revision
        """;

    private const string NotifySql = $"SELECT pg_notify('{SharedTableSchema.Channel}', revision::text) FROM routing_table_revision WHERE id = 1";

    private readonly NpgsqlDataSource _dataSource;

    private SharedTableStore(NpgsqlDataSource dataSource, string connectionString)
    {
        _dataSource = dataSource;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string (the listener opens its own connection with it).</summary>
    public string ConnectionString { get; }

    /// <summary>Connects and applies the migrations this database lacks.</summary>
    /// <exception cref="SharedTableUnavailableException">PostgreSQL is unreachable or failed.</exception>
    public static async Task<SharedTableStore> OpenAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16; // the same few statements run all the time
        }

        var store = new SharedTableStore(builder.Build(), connectionString);
        try
        {
            await store.MigrateAsync(logger, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Records <paramref name="base"/> unless a base is recorded already; returns the recorded one and whether it is this one, just recorded.</summary>
    public Task<(RecordedBase Recorded, bool Inserted)> RecordBaseAsync(RecordedBase @base, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                var insert = new NpgsqlBatchCommand(
                    "INSERT INTO routing_table_base (id, table_hash, routes, max_metric, routes_file, recorded_at) VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING 1");
                insert.Parameters.Add(new NpgsqlParameter { Value = @base.TableHash, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter { Value = @base.Routes, NpgsqlDbType = NpgsqlDbType.Integer });
                insert.Parameters.Add(new NpgsqlParameter { Value = @base.MaxMetric, NpgsqlDbType = NpgsqlDbType.Integer });
                insert.Parameters.Add(new NpgsqlParameter { Value = @base.RoutesFile, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter { Value = @base.RecordedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                batch.BatchCommands.Add(insert);
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT table_hash, routes, max_metric, routes_file, recorded_at FROM routing_table_base WHERE id = 1"));
                var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    bool inserted = await reader.ReadAsync(ct).ConfigureAwait(false);
                    await reader.NextResultAsync(ct).ConfigureAwait(false);
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    var recorded = new RecordedBase(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4));
                    return (recorded, inserted);
                }
            }
        }, cancellationToken);

    /// <summary>The latest committed revision (one single-row read: the periodic check).</summary>
    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand(SharedTableSchema.CurrentRevisionSql, connection);
            await using (command.ConfigureAwait(false))
            {
                return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }
        }, cancellationToken);

    /// <summary>Every row changed after <paramref name="revision"/>, read in one statement (one snapshot).</summary>
    public Task<ChangeSet> ChangesSinceAsync(long revision, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var command = new NpgsqlCommand(SinceSql, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = revision, NpgsqlDbType = NpgsqlDbType.Bigint });
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await ReadRowsAsync(reader, revision, ct).ConfigureAwait(false);
                }
            }
        }, cancellationToken);

    /// <summary>
    /// Commits one write: bumps the revision, reads the rows other replicas committed after <paramref name="applied"/>
    /// (so the caller applies them with its own and stays gap-free), upserts the routes with <paramref name="metric"/>,
    /// notifies the revision. One round trip: the batch runs as one implicit transaction.
    /// </summary>
    /// <returns>The write's revision, and the rows committed between <paramref name="applied"/> and it.</returns>
    public Task<ChangeSet> CommitAsync(string[] prefixes, string[] nextHops, int metric, long applied, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(BumpSql));
                // After the counter lock was granted: this statement's snapshot holds every earlier revision.
                var since = new NpgsqlBatchCommand(SinceSql);
                since.Parameters.Add(new NpgsqlParameter { Value = applied, NpgsqlDbType = NpgsqlDbType.Bigint });
                batch.BatchCommands.Add(since);
                var upsert = new NpgsqlBatchCommand(UpsertSql);
                upsert.Parameters.Add(new NpgsqlParameter { Value = prefixes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                upsert.Parameters.Add(new NpgsqlParameter { Value = nextHops, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                upsert.Parameters.Add(new NpgsqlParameter { Value = metric, NpgsqlDbType = NpgsqlDbType.Integer });
                batch.BatchCommands.Add(upsert);
                batch.BatchCommands.Add(new NpgsqlBatchCommand(NotifySql));
                var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    long revision = reader.GetInt64(0);
                    await reader.NextResultAsync(ct).ConfigureAwait(false);
                    var gap = await ReadRowsAsync(reader, applied, ct).ConfigureAwait(false);
                    while (await reader.NextResultAsync(ct).ConfigureAwait(false))
                    {
                        // the upsert and the notification: nothing to read, but the batch commits only once consumed
                    }

                    return gap with { Revision = revision };
                }
            }
        }, cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async Task<ChangeSet> ReadRowsAsync(NpgsqlDataReader reader, long after, CancellationToken cancellationToken)
    {
        var updates = new List<MetricUpdate>();
        long latest = after;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string prefix = reader.GetString(0);
            string nextHop = reader.GetString(1);
            if (!IpPrefix.TryParse(prefix, out var parsedPrefix, out _) || !IpAddress.TryParse(nextHop, out var parsedNextHop))
            {
                throw new InvalidOperationException($"the shared routing table holds a row this build cannot read: '{prefix}' via '{nextHop}'");
            }

            updates.Add(new MetricUpdate(parsedPrefix, parsedNextHop, reader.GetInt32(2), MatchKind.Exact));
            latest = Math.Max(latest, reader.GetInt64(3));
        }

        return new ChangeSet(latest, updates);
    }

    private async Task MigrateAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var (_, applied) = await RunAsync(
            (connection, ct) => PostgresMigrator.MigrateAsync(connection, SharedTableSchema.MigrationsTable, SharedTableSchema.MigrationLockKey, SharedTableSchema.Migrations, ct),
            cancellationToken).ConfigureAwait(false);
        foreach (var migration in applied)
        {
            ReplicationLog.MigrationApplied(logger, migration.Version, migration.Name);
        }
    }

    /// <summary>Runs <paramref name="body"/> on a pooled connection; infrastructure failures become <see cref="SharedTableUnavailableException"/>.</summary>
    private Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        _dataSource.RunAsync(
            body,
            e =>
            {
                // After a server restart every idle pooled connection is dead: drop them so the next call reconnects.
                _dataSource.Clear();
                return new SharedTableUnavailableException($"the shared routing table (PostgreSQL) failed{PostgresCalls.SqlStateSuffix(e)}: {e.Message}", e);
            },
            cancellationToken);
}
