using Npgsql;
using NpgsqlTypes;

namespace Crossroads.Postgres;

/// <summary>
/// Applies a module's migrations in one transaction under an advisory lock (replicas starting together migrate one
/// after the other; the later ones find the work done), recording each in the module's own migrations table.
/// </summary>
public static class PostgresMigrator
{
    /// <summary>Applies the migrations <paramref name="migrationsTable"/> does not record yet, in version order.</summary>
    /// <returns>The schema version now (the highest recorded, possibly newer than this build's) and the migrations just applied.</returns>
    public static async Task<(int SchemaVersion, IReadOnlyList<PostgresMigration> Applied)> MigrateAsync(
        NpgsqlConnection connection, string migrationsTable, long lockKey, IReadOnlyList<PostgresMigration> migrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(migrations);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // Held until commit: a replica starting meanwhile waits here, then finds the migrations applied.
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({lockKey})", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                transaction,
                $"CREATE TABLE IF NOT EXISTS {migrationsTable} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)",
                cancellationToken).ConfigureAwait(false);
            var recorded = new HashSet<int>();
            var select = new NpgsqlCommand($"SELECT version FROM {migrationsTable}", connection, transaction);
            await using (select.ConfigureAwait(false))
            {
                var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        recorded.Add(reader.GetInt32(0));
                    }
                }
            }

            var applied = new List<PostgresMigration>();
            foreach (var migration in migrations.Where(m => !recorded.Contains(m.Version)).OrderBy(m => m.Version))
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
                var record = new NpgsqlCommand($"INSERT INTO {migrationsTable} (version, name, applied_at) VALUES (@version, @name, now())", connection, transaction);
                await using (record.ConfigureAwait(false))
                {
                    record.Parameters.Add(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = migration.Version });
                    record.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = migration.Name });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                applied.Add(migration);
                recorded.Add(migration.Version);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (recorded.Count == 0 ? 0 : recorded.Max(), applied);
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
}
