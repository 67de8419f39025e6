using System.Net.Sockets;
using Npgsql;

namespace Crossroads.Postgres;

/// <summary>Database calls on a pooled connection, with infrastructure failures told apart from the rest.</summary>
public static class PostgresCalls
{
    /// <summary>
    /// A failure of the database or of the way to it (connection refused or lost, timeout, server error): the kind a
    /// circuit breaker counts and a module reports as "unavailable".
    /// </summary>
    public static bool IsInfrastructure(Exception exception) =>
        exception is NpgsqlException or TimeoutException or IOException or SocketException;

    /// <summary>" (SQLSTATE xxxxx)" for a server error, else empty: for messages.</summary>
    public static string SqlStateSuffix(Exception exception) =>
        exception is PostgresException postgres ? $" (SQLSTATE {postgres.SqlState})" : "";

    /// <summary>
    /// Runs <paramref name="body"/> on a connection from <paramref name="dataSource"/>; an infrastructure failure is
    /// rethrown as <paramref name="unavailable"/> makes it (the module's own exception type).
    /// </summary>
    public static async Task<T> RunAsync<T>(
        this NpgsqlDataSource dataSource,
        Func<NpgsqlConnection, CancellationToken, Task<T>> body,
        Func<Exception, Exception> unavailable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(unavailable);
        try
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await body(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsInfrastructure(e))
        {
            throw unavailable(e);
        }
    }
}
