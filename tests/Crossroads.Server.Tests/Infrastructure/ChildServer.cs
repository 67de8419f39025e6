using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Crossroads.Server.Tests.Infrastructure;

/// <summary>
/// The built server as a real child process: <c>dotnet Crossroads.Server.dll --urls http://127.0.0.1:port ...</c>
/// from the test output folder (the test project references the server, so it is copied there).
/// </summary>
public sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string? _ownedDirectory;

    private ChildServer(Process process, int port, string? ownedDirectory)
    {
        _process = process;
        _ownedDirectory = ownedDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = RoutingServer.NewClient(BaseAddress);
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts the server on a free loopback port with the given routes file and DATA_DIR (no rate limits, no drain delay).</summary>
    public static ChildServer Start(string routesFile, string dataDirectory, params string[] extra) =>
        Launch(
            ["--ROUTES_FILE", routesFile, "--DATA_DIR", dataDirectory, "--RateLimits:Enabled", "false", "--Shutdown:DrainDelaySeconds", "0", .. extra],
            environment: null,
            ownedDirectory: null);

    /// <summary>
    /// Starts the server as an operator would, on the bundled table with default settings except the given
    /// environment and arguments; its DATA_DIR is a fresh temporary folder removed on dispose.
    /// </summary>
    public static ChildServer StartBundled(IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        string data = Directory.CreateTempSubdirectory("crossroads-child-").FullName;
        return Launch(args, new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["DATA_DIR"] = data }, data);
    }

    /// <summary>Like <see cref="StartBundled"/> but without <c>--urls</c>: the environment decides where it listens.</summary>
    public static ChildServer StartBundledWithoutUrls(IReadOnlyDictionary<string, string> environment, int expectedPort)
    {
        string data = Directory.CreateTempSubdirectory("crossroads-child-").FullName;
        return Launch([], new Dictionary<string, string>(environment) { ["DATA_DIR"] = data }, data, expectedPort);
    }

    private static ChildServer Launch(string[] args, IReadOnlyDictionary<string, string>? environment, string? ownedDirectory, int? fixedPort = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Crossroads.Server.dll");
        Assert.True(File.Exists(dll), $"the server is not built next to the tests: {dll}");
        int port = fixedPort ?? FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] listen = fixedPort is null ? ["--urls", $"http://127.0.0.1:{port}"] : [];
        foreach (string arg in (string[])[dll, .. listen, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        return new ChildServer(process, port, ownedDirectory);
    }

    /// <summary>A new client for this server (e.g. a second connection).</summary>
    public HttpClient NewClient() => RoutingServer.NewClient(BaseAddress);

    /// <summary>Sends a real SIGTERM, as an orchestrator would.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task WaitUntilReadyAsync()
    {
        try
        {
            await RoutingServer.WaitUntilReadyAsync(Client, () => _process.HasExited);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException($"{e.Message}\nstdout:\n{Stdout}\nstderr:\n{Stderr}", e);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_ownedDirectory is not null)
        {
            try
            {
                Directory.Delete(_ownedDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
