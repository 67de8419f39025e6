using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>
/// Spend in a SQLite file for one node (<c>model-router.db</c> in the data directory). One connection, kept open,
/// behind a semaphore: SQLite has one writer anyway, and queueing here costs less than SQLite's busy-retry sleeps.
/// Transactions are <c>BEGIN IMMEDIATE</c> (the write lock from the start), so even another process on the same file
/// is serialized. WAL with <c>synchronous=NORMAL</c>: a commit survives the process crashing; an OS crash may lose the
/// last few commits, which can only forget spend, never invent it.
/// </summary>
public sealed class SqliteSpendStore : SqlSpendStore
{
    /// <summary>The file name in the data directory.</summary>
    public const string FileName = "model-router.db";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteSpendStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        DatabasePath = path;
    }

    /// <inheritdoc />
    public override string Provider => "sqlite";

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Opens (creating if needed) <see cref="FileName"/> in <paramref name="directory"/>.</summary>
    public static async Task<SqliteSpendStore> OpenAsync(string directory, CancellationToken cancellationToken)
    {
        string path;
        SqliteConnection? connection = null;
        try
        {
            path = Path.Combine(Path.GetFullPath(directory), FileName);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 30 }.ToString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; " + Schema;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw new SpendStoreUnavailableException($"cannot open the model router's spend store in '{directory}': {e.Message}", e);
        }

        return new SqliteSpendStore(connection, path);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // deferred: false is BEGIN IMMEDIATE.
            using var transaction = _connection.BeginTransaction(deferred: false);
            return await work(_connection, transaction, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw new SpendStoreUnavailableException("the model router's spend store (SQLite) failed: " + e.Message, e);
        }
        finally
        {
            _gate.Release();
        }
    }
}
