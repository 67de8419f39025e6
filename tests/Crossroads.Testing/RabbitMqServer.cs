using System.Globalization;
using RabbitMQ.Client;

namespace Crossroads.Testing;

/// <summary>
/// A real RabbitMQ broker of its own for the tests: Debian's <c>rabbitmq-server</c> as a private Erlang node
/// (<c>crossroads-test-&lt;random&gt;@localhost</c>) whose data, logs, configuration and Erlang cookie live in a
/// temporary directory, listening for AMQP on a free port on 127.0.0.1, with a private <c>epmd</c> on another free
/// port — so neither the system node (if the package started one) nor another test run's broker is ever touched.
/// No plugins (no management UI); the default <c>guest</c>/<c>guest</c> user, which RabbitMQ admits from loopback.
/// </summary>
/// <remarks>
/// As an xunit collection fixture (<c>ICollectionFixture&lt;RabbitMqServer&gt;</c>, <see cref="CollectionName"/>) or
/// alone (<c>await using var broker = await RabbitMqServer.StartAsync();</c>) for a test that stops it:
/// <see cref="StopAsync"/> kills the node like a crash, <see cref="StartAgainAsync"/> brings it back on the same port
/// with the same data (durable exchanges, queues and persistent messages survive). When the tests run as root the
/// node runs as the <c>rabbitmq</c> user the package creates (through <c>runuser</c>), in a directory handed to it.
/// </remarks>
public sealed class RabbitMqServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The collection name to use for a collection fixture of this type.</summary>
    public const string CollectionName = "RabbitMQ";

    /// <summary>The system user the node runs as when the tests run as root.</summary>
    public const string User = "rabbitmq";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private TempDirectory? _root;
    private OwnedProcess? _epmd;
    private OwnedProcess? _node;
    private bool _asServerUser;
    private string _nodeName = "";
    private int _epmdPort;
    private int _distributionPort;

    /// <summary>The AMQP port on 127.0.0.1; 0 before the broker started.</summary>
    public int Port { get; private set; }

    /// <summary>Whether the broker runs (started and not stopped since).</summary>
    public bool IsRunning => _node is { HasExited: false };

    /// <summary>The broker's URI for clients: <c>amqp://guest:guest@127.0.0.1:&lt;port&gt;/</c>.</summary>
    public string Uri => string.Create(CultureInfo.InvariantCulture, $"amqp://guest:guest@127.0.0.1:{Port}/");

    /// <summary>The temporary directory with the node's data (<c>mnesia</c>), logs and configuration; deleted on dispose.</summary>
    public string RootDirectory => Root.Path;

    private TempDirectory Root => _root ?? throw new InvalidOperationException("the RabbitMQ server has not been started");

    /// <summary>Starts a broker of its own, for a test that stops or restarts it.</summary>
    public static async Task<RabbitMqServer> StartAsync()
    {
        var server = new RabbitMqServer();
        try
        {
            await server.InitializeAsync().ConfigureAwait(false);
            if (!server.IsRunning)
            {
                throw new InvalidOperationException(RabbitMqBinaries.WhyUnavailable ?? "the RabbitMQ server did not start");
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>
    /// Prepares the directory and starts the broker. Where the programs are missing it does nothing: the tests that
    /// need it are skipped by <see cref="RabbitMqFactAttribute"/>.
    /// </summary>
    public async Task InitializeAsync()
    {
        if (_root is not null || RabbitMqBinaries.WhyUnavailable is not null)
        {
            return;
        }

        _root = new TempDirectory("crossroads-rabbitmq-");
        try
        {
            _nodeName = "crossroads-test-" + Guid.NewGuid().ToString("N")[..12] + "@localhost";
            Port = FreePort.OnLoopback();
            _distributionPort = FreePort.OnLoopback();
            _epmdPort = FreePort.OnLoopback();
            Root.Write("enabled_plugins", "[].\n");
            Root.Write("rabbitmq-env.conf", "");
            // A test machine's disk and memory are shared and may be fuller than RabbitMQ's defaults allow; an alarm
            // would block publishers and look like a relay bug.
            Root.Write("rabbitmq.conf", string.Join('\n',
                string.Create(CultureInfo.InvariantCulture, $"listeners.tcp.default = 127.0.0.1:{Port}"),
                "disk_free_limit.absolute = 1MB",
                "vm_memory_high_watermark.relative = 0.9",
                ""));
            _asServerUser = ToolRun.IsRoot();
            if (_asServerUser)
            {
                var (exitCode, output) = await ToolRun.RunAsync("chown", ["-R", $"{User}:", RootDirectory], RootDirectory, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                if (exitCode != 0)
                {
                    throw new InvalidOperationException($"chown -R {User}: {RootDirectory} exited {exitCode} (the '{RabbitMqBinaries.Package}' package creates that user): {output}");
                }
            }

            // Our own epmd, in the foreground so that it dies with us (the node would otherwise start a daemon that
            // outlives the test run), on its own port so that it never meets the system's or another run's.
            _epmd = StartAsServerUser(RabbitMqBinaries.Epmd, ["-port", _epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"]);
            await StartNodeAsync().ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the node (SIGKILL to its process tree: to clients, a broker crash). Connections break.</summary>
    public async Task StopAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync().ConfigureAwait(false);
            _node = null;
        }
    }

    /// <summary>Starts the stopped node again: same node name, port and data.</summary>
    public Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("the RabbitMQ server is running");
        }

        _ = Root;
        return StartNodeAsync();
    }

    /// <summary>The last lines of the node's own log (empty if it wrote none), for a failing test's message.</summary>
    public string LogTail(int lines = 40)
    {
        var log = Path.Combine(RootDirectory, "log", _nodeName + ".log");
        try
        {
            return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(lines)) : "";
        }
        catch (IOException e)
        {
            return $"(log {log} unreadable: {e.Message})";
        }
    }

    /// <summary>A connection to the broker (the caller disposes it).</summary>
    public Task<IConnection> ConnectAsync(CancellationToken cancellationToken = default) =>
        new ConnectionFactory { Uri = new System.Uri(Uri), AutomaticRecoveryEnabled = false }.CreateConnectionAsync(cancellationToken);

    /// <summary>Kills the node and epmd and deletes the directory.</summary>
    public async Task DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_epmd is not null)
        {
            await _epmd.DisposeAsync().ConfigureAwait(false);
            _epmd = null;
        }

        _root?.Dispose();
        _root = null;
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private async Task StartNodeAsync()
    {
        string root = RootDirectory;
        string[] environment =
        [
            // The Erlang cookie is created in HOME: a private one, so no other node can connect to ours.
            $"HOME={root}",
            $"RABBITMQ_NODENAME={_nodeName}",
            $"RABBITMQ_MNESIA_BASE={Path.Combine(root, "mnesia")}",
            $"RABBITMQ_LOG_BASE={Path.Combine(root, "log")}",
            $"RABBITMQ_CONFIG_FILE={Path.Combine(root, "rabbitmq.conf")}",
            $"RABBITMQ_ADVANCED_CONFIG_FILE={Path.Combine(root, "advanced.config")}",
            $"RABBITMQ_CONF_ENV_FILE={Path.Combine(root, "rabbitmq-env.conf")}",
            $"RABBITMQ_ENABLED_PLUGINS_FILE={Path.Combine(root, "enabled_plugins")}",
            $"RABBITMQ_PID_FILE={Path.Combine(root, "rabbitmq.pid")}",
            string.Create(CultureInfo.InvariantCulture, $"RABBITMQ_NODE_IP_ADDRESS=127.0.0.1"),
            string.Create(CultureInfo.InvariantCulture, $"RABBITMQ_NODE_PORT={Port}"),
            string.Create(CultureInfo.InvariantCulture, $"RABBITMQ_DIST_PORT={_distributionPort}"),
            string.Create(CultureInfo.InvariantCulture, $"ERL_EPMD_PORT={_epmdPort}"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
        ];
        _node = StartAsServerUser("/usr/bin/env", [.. environment, RabbitMqBinaries.ServerScript]);
        await WaitUntilReadyAsync(_node).ConfigureAwait(false);
    }

    private OwnedProcess StartAsServerUser(string program, string[] arguments) =>
        _asServerUser
            ? OwnedProcess.Start("runuser", ["-u", User, "--", program, .. arguments], RootDirectory)
            : OwnedProcess.Start(program, arguments, RootDirectory);

    private async Task WaitUntilReadyAsync(OwnedProcess node)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (node.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited while starting:\n{node.Output}");
            }

            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var connection = await ConnectAsync(attempt.Token).ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // any failure means "not up yet" until the deadline
            catch (Exception e)
#pragma warning restore CA1031
            {
                last = e;
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        throw new TimeoutException($"RabbitMQ did not accept an AMQP connection on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds:0} s (last error: {last?.Message}):\n{node.Output}");
    }
}
