using System.Net.Sockets;
using Npgsql;

namespace Crossroads.Testing.Tests;

/// <summary>Restarts and shutdown, each on a server of its own (the shared one must stay up for the other tests).</summary>
public sealed class PostgresServerLifecycleTests
{
    [PostgresFact]
    public Task A_committed_row_survives_a_fast_restart() => CommittedRowSurvivesAsync(PostgresShutdownMode.Fast);

    [PostgresFact]
    public Task A_committed_row_survives_an_immediate_stop_through_wal_replay() => CommittedRowSurvivesAsync(PostgresShutdownMode.Immediate);

    [PostgresFact]
    public async Task Dispose_stops_the_server_and_deletes_its_directory()
    {
        var server = await PostgresServer.StartAsync();
        string root = server.RootDirectory;
        int port = server.Port;
        int pid = server.PostmasterPid ?? throw new InvalidOperationException("no postmaster.pid while running");
        string connectionString = await server.CreateDatabaseAsync();
        Assert.Equal(1, await PostgresServerTests.ScalarAsync(connectionString, "SELECT 1"));
        Assert.True(Directory.Exists(root));
        Assert.True(UnixProcess.IsAlive(pid));

        await server.DisposeAsync();

        Assert.False(server.IsRunning);
        Assert.Null(server.PostmasterPid);
        Assert.False(Directory.Exists(root), $"{root} still exists after dispose");
        Assert.False(UnixProcess.IsAlive(pid), $"postmaster {pid} still runs after dispose");
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync("127.0.0.1", port));
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.CreateDatabaseAsync());
    }

    private static async Task CommittedRowSurvivesAsync(PostgresShutdownMode mode)
    {
        await using var server = await PostgresServer.StartAsync();
        string connectionString = await server.CreateDatabaseAsync();
        await PostgresServerTests.ExecuteAsync(connectionString, "CREATE TABLE acknowledged (id int PRIMARY KEY, note text NOT NULL)");
        await PostgresServerTests.ExecuteAsync(connectionString, "INSERT INTO acknowledged VALUES (1, 'committed before the stop')");
        int pidBefore = server.PostmasterPid!.Value;
        var startedBefore = await PostgresServerTests.ScalarAsync(connectionString, "SELECT pg_postmaster_start_time()");

        // A connection held open across the restart breaks: proof that the server really went away.
        await using var held = new NpgsqlConnection(connectionString);
        await held.OpenAsync();

        await server.RestartAsync(mode);

        Assert.True(server.IsRunning);
        Assert.NotEqual(pidBefore, server.PostmasterPid);
        Assert.False(UnixProcess.IsAlive(pidBefore), $"the old postmaster {pidBefore} still runs");
        Assert.NotEqual(startedBefore, await PostgresServerTests.ScalarAsync(connectionString, "SELECT pg_postmaster_start_time()"));
        await using (var command = new NpgsqlCommand("SELECT 1", held))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => command.ExecuteScalarAsync());
        }

        Assert.Equal("committed before the stop", await PostgresServerTests.ScalarAsync(connectionString, "SELECT note FROM acknowledged WHERE id = 1"));
        string log = await File.ReadAllTextAsync(server.LogFile);
        if (mode == PostgresShutdownMode.Immediate)
        {
            // The row came back through crash recovery, not through a shutdown checkpoint.
            Assert.Contains("automatic recovery in progress", log, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("automatic recovery in progress", log, StringComparison.Ordinal);
        }
    }
}
