using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>
/// Spend in PostgreSQL (<c>ConnectionStrings:Crossroads</c>), shared by every replica: the conditional upsert of
/// <see cref="SqlSpendStore"/> runs under the row lock of the (account, period) row, so reservations of all replicas
/// are serialized per account and re-checked against the limit. Tables are created at open under an advisory lock
/// (two replicas starting together would otherwise race on <c>CREATE TABLE IF NOT EXISTS</c>).
/// </summary>
public sealed class PostgresSpendStore : SqlSpendStore
{
    // An arbitrary constant naming the lock that serializes schema creation ("mrspend" in ASCII).
    private const long SchemaLockId = 0x6D_72_73_70_65_6E_64;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresSpendStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <inheritdoc />
    public override string Provider => "postgresql";

    /// <summary>Connects with <paramref name="connectionString"/> and creates the tables if missing.</summary>
    public static async Task<PostgresSpendStore> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresSpendStore(dataSource);
        try
        {
            await store.InTransactionAsync(
                async (connection, transaction, ct) =>
                {
                    var command = connection.CreateCommand();
                    await using (command.ConfigureAwait(false))
                    {
                        command.Transaction = transaction;
                        command.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLockId}); " + Schema;
                        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return 0;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return store;
    }

    /// <inheritdoc />
    protected override string LockRow => " FOR UPDATE";

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <inheritdoc />
    protected override async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    return await work(connection, transaction, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new SpendStoreUnavailableException("the model router's spend store (PostgreSQL) failed: " + e.Message, e);
        }
    }
}
