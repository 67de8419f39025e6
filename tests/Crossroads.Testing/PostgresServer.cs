using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Crossroads.Testing;

/// <summary>
/// A real PostgreSQL server of its own for the tests: a fresh cluster (<c>initdb</c>) in a temporary directory, started
/// with <c>pg_ctl</c> on a free port on 127.0.0.1, trust authentication, superuser <c>postgres</c>. It never touches a
/// cluster the system package may have created on 5432. Each test takes its own database from
/// <see cref="CreateDatabaseAsync"/>, so one server can serve a whole test run.
/// </summary>
/// <remarks>
/// As an xunit collection fixture: <c>[CollectionDefinition(PostgresServer.CollectionName)] public sealed class
/// PostgresCollection : ICollectionFixture&lt;PostgresServer&gt;;</c> in the test project (xunit 2 looks for collection
/// definitions in the test assembly only), <c>[Collection(PostgresServer.CollectionName)]</c> on the test classes and
/// <see cref="PostgresFactAttribute"/> on the tests. Alone: <c>await using var server = await PostgresServer.StartAsync();</c>.
/// PostgreSQL refuses to run as root, so when the tests run as root (CI does) initdb and pg_ctl run as the
/// <c>postgres</c> user that Debian's package creates, through <c>runuser</c>, in a directory handed to that user.
/// </remarks>
public sealed partial class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The collection name to use for a collection fixture of this type.</summary>
    public const string CollectionName = "PostgreSQL";

    /// <summary>The database superuser, and the system user the server runs as when the tests run as root.</summary>
    public const string User = "postgres";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(120);

    private readonly ConcurrentDictionary<string, bool> _handedOut = new(StringComparer.Ordinal);
    private TempDirectory? _root;
    private string? _bin;
    private bool _asServerUser;

    /// <summary>The TCP port on 127.0.0.1; 0 before the server started.</summary>
    public int Port { get; private set; }

    /// <summary>Whether the server was started and not stopped since.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>The temporary directory holding the cluster, the socket directory and the server log; deleted on dispose.</summary>
    public string RootDirectory => Root.Path;

    /// <summary>The cluster's data directory (<c>PGDATA</c>).</summary>
    public string DataDirectory => Path.Combine(RootDirectory, "data");

    /// <summary>Where the server's Unix socket lives (a private directory, not /var/run/postgresql).</summary>
    public string SocketDirectory => Path.Combine(RootDirectory, "socket");

    /// <summary>The server log, quoted in every failure.</summary>
    public string LogFile => Path.Combine(RootDirectory, "postgresql.log");

    /// <summary>The postmaster's process id (first line of <c>postmaster.pid</c>) while it runs, else null.</summary>
    public int? PostmasterPid
    {
        get
        {
            string? pidFile = _root is null ? null : Path.Combine(DataDirectory, "postmaster.pid");
            return pidFile is not null && File.Exists(pidFile)
                ? int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture)
                : null;
        }
    }

    /// <summary>
    /// A connection to the <c>postgres</c> maintenance database, without pooling: a pooled connection would not
    /// survive <see cref="RestartAsync"/>, and creating databases is rare.
    /// </summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false }.ConnectionString;

    private TempDirectory Root => _root ?? throw new InvalidOperationException("the PostgreSQL server has not been started");

    /// <summary>Starts a server of its own, for a test that stops or restarts it (others use the shared fixture).</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var server = new PostgresServer();
        try
        {
            await server.InitializeAsync().ConfigureAwait(false);
            server.EnsureRunning();
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>
    /// Creates the cluster and starts the server. Where the programs are missing it does nothing: the tests that need
    /// the server are skipped by <see cref="PostgresFactAttribute"/>, and any other use fails with the reason.
    /// </summary>
    public async Task InitializeAsync()
    {
        if (IsRunning || PostgresBinaries.BinDirectory is not { } bin)
        {
            return;
        }

        _bin = bin;
        _root = new TempDirectory("crossroads-pg-");
        try
        {
            Directory.CreateDirectory(SocketDirectory);
            _asServerUser = ToolRun.IsRoot();
            if (_asServerUser)
            {
                // initdb creates the data directory and must own it, and the postmaster writes its log and socket here.
                await RunAsync("chown", ["-R", $"{User}:", RootDirectory]).ConfigureAwait(false);
            }

            // --no-sync: the cluster is new and thrown away with the directory, and a server restart (unlike a power
            // cut) keeps the page cache; this saves a second or two per cluster. The server runs with fsync on (below).
            await RunPostgresToolAsync("initdb", "-D", DataDirectory, "-U", User, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions").ConfigureAwait(false);
            await StartServerAsync().ConfigureAwait(false);
        }
        catch
        {
            // The failure message already quotes the server log; xunit does not dispose a fixture that failed to start.
            _root.Dispose();
            _root = null;
            throw;
        }
    }

    /// <summary>Creates an empty database (a fresh name unless given) and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        EnsureRunning();
        string database = name ?? "test_" + Guid.NewGuid().ToString("N");
        if (!DatabaseName().IsMatch(database))
        {
            throw new ArgumentException($"'{database}' is not a plain lower-case identifier of at most 63 characters", nameof(name));
        }

        var connection = new NpgsqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        string connectionString = ConnectionString(database);
        _handedOut.TryAdd(connectionString, true);
        return connectionString;
    }

    /// <summary>The connection string of a database of this server: <c>Host=127.0.0.1;Port=…;Username=postgres;Database=…</c>.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = User, Database = database }.ConnectionString;

    /// <summary>
    /// Stops the server (<paramref name="mode"/>) and starts it again on the same port and data. Open connections
    /// break; idle pooled connections to this server's databases are cleared, so the next <c>OpenAsync</c> reaches
    /// the new server.
    /// </summary>
    public async Task RestartAsync(PostgresShutdownMode mode = PostgresShutdownMode.Fast)
    {
        EnsureRunning();
        await StopServerAsync(mode).ConfigureAwait(false);
        ClearPools();
        await StartServerAsync(Port).ConfigureAwait(false);
    }

    /// <summary>Stops the server (<paramref name="mode"/>) and leaves it stopped, as an outage: <see cref="StartAgainAsync"/> brings it back on the same port and data.</summary>
    public async Task StopAsync(PostgresShutdownMode mode = PostgresShutdownMode.Fast)
    {
        EnsureRunning();
        await StopServerAsync(mode).ConfigureAwait(false);
        ClearPools();
    }

    /// <summary>Starts a server stopped by <see cref="StopAsync"/> on the same port and data.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("the PostgreSQL server is running");
        }

        await StartServerAsync(Port).ConfigureAwait(false);
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>, else immediate) and deletes its directory.</summary>
    public async Task DisposeAsync()
    {
        if (_root is null)
        {
            return;
        }

        Exception? failure = null;
        if (IsRunning)
        {
            try
            {
                await StopServerAsync(PostgresShutdownMode.Fast).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                failure = e;
                try
                {
                    await StopServerAsync(PostgresShutdownMode.Immediate).ConfigureAwait(false);
                }
                catch (Exception again) when (again is InvalidOperationException or TimeoutException)
                {
                    // Never delete the files under a running server; leave it and the directory for a post-mortem.
                    throw new AggregateException("the PostgreSQL server did not stop; its directory is left in place: " + RootDirectory, e, again);
                }
            }
        }

        ClearPools();
        _root.Dispose();
        _root = null;
        if (failure is not null)
        {
            throw new InvalidOperationException("the PostgreSQL server did not stop with -m fast (it was stopped with -m immediate)", failure);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();

    /// <summary>
    /// Clears the pools of the connection strings this server handed out, and only those: ClearAllPools would also
    /// close idle connections of tests running meanwhile against other servers.
    /// </summary>
    private void ClearPools()
    {
        foreach (string connectionString in _handedOut.Keys)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private void EnsureRunning()
    {
        if (!IsRunning)
        {
            throw new InvalidOperationException(PostgresBinaries.WhyUnavailable ?? "the PostgreSQL server is not running (InitializeAsync not called, or it was disposed)");
        }
    }

    private async Task StartServerAsync(int? port = null)
    {
        // A free port can be taken by someone else before the postmaster binds it; then pick another (not on a
        // restart, which must come back where clients expect it).
        for (int attempt = 1; ; attempt++)
        {
            Port = port ?? FreePort.OnLoopback();
            // fsync stays on (as synchronous_commit): a commit then costs what it costs in production, and the
            // durability tests built on this server exercise the real WAL flush rather than a mode no deployment
            // runs in. Creating a database takes ~0.5 s with it on this class of machine; that is affordable.
            string options = string.Join(' ',
                $"-p {Port}",
                $"-k '{SocketDirectory}'",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=on",
                "-c synchronous_commit=on");
            try
            {
                await RunPostgresToolAsync("pg_ctl", "start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options).ConfigureAwait(false);
                IsRunning = true;
                return;
            }
            catch (InvalidOperationException) when (port is null && attempt < 3 && ReadLog().Contains("could not bind", StringComparison.Ordinal))
            {
                // Port taken: try another.
            }
        }
    }

    private async Task StopServerAsync(PostgresShutdownMode mode)
    {
        string modeName = mode == PostgresShutdownMode.Immediate ? "immediate" : "fast";
        await RunPostgresToolAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", modeName, "-w", "-t", "60").ConfigureAwait(false);
        IsRunning = false;
    }

    /// <summary>Runs a PostgreSQL program from the bin folder, as the <c>postgres</c> user when this process is root.</summary>
    private Task RunPostgresToolAsync(string program, params string[] arguments)
    {
        string path = Path.Combine(_bin!, program);
        return _asServerUser
            ? RunAsync("runuser", ["-u", User, "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private async Task RunAsync(string program, string[] arguments)
    {
        var (exitCode, output) = await ToolRun.RunAsync(program, arguments, RootDirectory, ToolTimeout).ConfigureAwait(false);
        if (exitCode != 0)
        {
            string hint = _asServerUser
                ? $" (this process is root, so it ran as the '{User}' user via runuser: the '{PostgresBinaries.Package}' package creates that user, and it must be able to reach {RootDirectory})"
                : "";
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {exitCode}{hint}:\n{output}\nserver log ({LogFile}):\n{ReadLog()}");
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(40)) : "(none)";
        }
        catch (IOException e)
        {
            return $"(unreadable: {e.Message})";
        }
    }
}
