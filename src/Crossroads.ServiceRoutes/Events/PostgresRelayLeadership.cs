using Npgsql;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>
/// Relay leadership among replicas sharing a PostgreSQL database: a session-level advisory lock
/// (<c>pg_try_advisory_lock(<see cref="LockKey"/>)</c>) held on a dedicated connection. PostgreSQL releases it when
/// that session ends, so when the leader dies (or its connection breaks) another replica's next attempt takes over.
/// </summary>
/// <remarks>
/// The connection is unpooled: a pooled one would go back to the pool on close, and whether the lock went with it
/// would depend on the pool's reset. TCP keepalives make a silently dead server (or leader host) show up as an error.
/// </remarks>
public sealed class PostgresRelayLeadership : IRelayLeadership
{
    /// <summary>The advisory lock key: the ASCII of "xroadsob" (crossroads outbox), unlikely to collide with an application's key.</summary>
    public const long LockKey = 0x78726F6164736F62;

    private readonly string _connectionString;
    private NpgsqlConnection? _connection;
    private bool _held;

    /// <summary>Leadership on the database of <paramref name="connectionString"/> (the store's).</summary>
    public PostgresRelayLeadership(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            KeepAlive = 15,
            ApplicationName = "crossroads-outbox-relay",
        }.ConnectionString;
    }

    /// <inheritdoc/>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is null)
            {
                var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                _connection = connection;
            }

            // Held: a round trip proves the session, and with it the lock, still exists.
            var command = new NpgsqlCommand(_held ? "SELECT true" : "SELECT pg_try_advisory_lock($1)", _connection);
            await using (command.ConfigureAwait(false))
            {
                if (!_held)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = LockKey });
                }

                _held = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                return _held;
            }
        }
        catch
        {
            // Whatever failed, the session is suspect: drop it (and the lock with it) and start over next time.
            await DropAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ends the session, which releases the lock for another replica at once.</summary>
    public ValueTask DisposeAsync() => new(DropAsync());

    private async Task DropAsync()
    {
        _held = false;
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
