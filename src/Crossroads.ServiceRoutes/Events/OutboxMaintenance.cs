using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>
/// The outbox chore of the relay leader that <see cref="IServiceRouteStore"/> has no method for: releasing the
/// claims a dead relay left behind (retention is the store's <see cref="IServiceRouteStore.PurgeDeliveredEventsAsync"/>,
/// which never leaves a hole in the change feed). Plain statements on the
/// store's own database (schema in <c>Postgres/PostgresSchema.cs</c>, <c>Sqlite/SqliteSchema.cs</c>); each is one
/// short transaction, so it never holds up the store's writers for long.
/// </summary>
public sealed class OutboxMaintenance
{
    private readonly bool _postgres;
    private readonly string _connectionString;

    private OutboxMaintenance(bool postgres, string connectionString)
    {
        _postgres = postgres;
        _connectionString = connectionString;
    }

    /// <summary>For the store that <paramref name="storeOptions"/> open (the same choice as <see cref="ServiceRouteStore.OpenAsync"/>).</summary>
    public static OutboxMaintenance For(ServiceRouteStoreOptions storeOptions)
    {
        ArgumentNullException.ThrowIfNull(storeOptions);
        if (!string.IsNullOrWhiteSpace(storeOptions.ConnectionString))
        {
            return new OutboxMaintenance(true, storeOptions.ConnectionString);
        }

        if (string.IsNullOrWhiteSpace(storeOptions.DataDirectory))
        {
            throw new ArgumentException("either ConnectionString or DataDirectory is required", nameof(storeOptions));
        }

        string path = Path.Combine(Path.GetFullPath(storeOptions.DataDirectory), ServiceRouteStoreOptions.SqliteFileName);
        return new OutboxMaintenance(false, new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            DefaultTimeout = (int)Math.Ceiling(storeOptions.BusyTimeout.TotalSeconds),
        }.ToString());
    }

    /// <summary>
    /// Makes every undelivered message claimable at once, whatever lease a relay took on it. Only the leader may do
    /// this (on taking over): the claims can only be a dead or deposed relay's, and skipping them until their lease
    /// ran out would let later revisions overtake them. Returns how many claims were released.
    /// </summary>
    public Task<int> ReleaseClaimsAsync(CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE outbox SET claimed_until = NULL WHERE delivered_at IS NULL AND claimed_until IS NOT NULL", cancellationToken);

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        DbConnection connection = _postgres ? new NpgsqlConnection(_connectionString) : new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql;
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
