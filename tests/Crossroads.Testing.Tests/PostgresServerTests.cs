using Npgsql;

namespace Crossroads.Testing.Tests;

/// <summary>The shared server: what every database test relies on.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresServerTests(PostgresServer server)
{
    [PostgresFact]
    public async Task Connection_string_reaches_the_server_over_tcp_on_loopback_as_postgres()
    {
        string connectionString = await server.CreateDatabaseAsync();
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        Assert.Equal("127.0.0.1", parsed.Host);
        Assert.Equal(server.Port, parsed.Port);
        Assert.Equal(PostgresServer.User, parsed.Username);
        Assert.NotEqual(5432, server.Port); // never the system package's cluster

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT host(inet_server_addr()), current_setting('port'), current_user, current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("127.0.0.1", reader.GetString(0)); // null over a Unix socket
        Assert.Equal(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1));
        Assert.Equal("postgres", reader.GetString(2));
        Assert.Equal(parsed.Database, reader.GetString(3));
    }

    [PostgresFact]
    public async Task Two_databases_are_isolated_from_each_other()
    {
        string first = await server.CreateDatabaseAsync();
        string second = await server.CreateDatabaseAsync();
        Assert.NotEqual(first, second);

        await ExecuteAsync(first, "CREATE TABLE items (name text NOT NULL); INSERT INTO items VALUES ('only in the first')");
        Assert.Null(await ScalarAsync(second, "SELECT to_regclass('items')::text"));

        // The same name in the second database is a different table.
        await ExecuteAsync(second, "CREATE TABLE items (name text NOT NULL); INSERT INTO items VALUES ('second a'), ('second b')");
        Assert.Equal(1L, await ScalarAsync(first, "SELECT count(*) FROM items"));
        Assert.Equal(2L, await ScalarAsync(second, "SELECT count(*) FROM items"));
        Assert.Equal("only in the first", await ScalarAsync(first, "SELECT name FROM items"));
    }

    [PostgresFact]
    public async Task A_database_can_be_named()
    {
        string name = "named_" + Guid.NewGuid().ToString("N")[..8];
        string connectionString = await server.CreateDatabaseAsync(name);
        Assert.Equal(name, await ScalarAsync(connectionString, "SELECT current_database()"));
        await Assert.ThrowsAsync<ArgumentException>(() => server.CreateDatabaseAsync("x\"; DROP DATABASE postgres; --"));
    }

    [PostgresFact]
    public async Task The_server_runs_as_a_non_root_user_that_owns_its_data_directory()
    {
        // The connection stays open so that its backend process exists while it is inspected.
        await using var connection = new NpgsqlConnection(await server.CreateDatabaseAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid(), current_setting('data_directory')", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        int backendPid = reader.GetInt32(0);
        string dataDirectory = reader.GetString(1);
        int postmasterPid = server.PostmasterPid ?? throw new InvalidOperationException("no postmaster.pid while running");

        Assert.Equal(server.DataDirectory, dataDirectory);
        int expected = UnixProcess.OwnUid() == 0 ? UnixProcess.UidOf(PostgresServer.User) : UnixProcess.OwnUid();
        Assert.NotEqual(0, expected);
        foreach (int pid in (int[])[postmasterPid, backendPid])
        {
            Assert.Equal(expected, UnixProcess.EffectiveUid(pid));
            Assert.Equal(expected, UnixProcess.RealUid(pid));
        }

        Assert.Equal(expected, UnixProcess.OwnerUid(dataDirectory));
    }

    [PostgresFact]
    public async Task Commits_are_flushed_fsync_and_synchronous_commit_are_on()
    {
        string connectionString = await server.CreateDatabaseAsync();
        Assert.Equal("on", await ScalarAsync(connectionString, "SHOW fsync"));
        Assert.Equal("on", await ScalarAsync(connectionString, "SHOW synchronous_commit"));
        Assert.Equal("127.0.0.1", await ScalarAsync(connectionString, "SHOW listen_addresses"));
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
