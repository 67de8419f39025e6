using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Crossroads.Testing;

/// <summary>
/// A built server as a real child process (<c>dotnet Server.dll --urls http://127.0.0.1:port ...</c>) on a loopback
/// port: what operators and orchestrators see — exit codes, stdout and stderr, real signals. Disposing kills it if it
/// still runs.
/// </summary>
public sealed class ChildProcessServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ChildProcessServerOptions _options;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildProcessServer(Process process, int port, ChildProcessServerOptions options)
    {
        _process = process;
        _options = options;
        Port = port;
        BaseAddress = LoopbackHttp.BaseAddress(port);
        Client = LoopbackHttp.NewClient(BaseAddress);
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client for this server, disposed with it.</summary>
    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything the process wrote to stdout so far, one line per line.</summary>
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

    /// <summary>Everything the process wrote to stderr so far.</summary>
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

    /// <summary>
    /// The full path of a dll in the test output folder, where a project reference to a server copies it; fails the
    /// test if it is not there.
    /// </summary>
    public static string DllBesideTests(string fileName)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, fileName);
        Assert.True(File.Exists(dll), $"the server is not built next to the tests: {dll}");
        return dll;
    }

    /// <summary>Starts the process and returns at once; see <see cref="WaitUntilReadyAsync"/>.</summary>
    public static ChildProcessServer Start(ChildProcessServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is null && !options.PassUrls)
        {
            throw new ArgumentException("without --urls the test must say which port the server will listen on", nameof(options));
        }

        int port = options.Port ?? FreePort.OnLoopback();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = options.WorkingDirectory ?? Path.GetDirectoryName(options.Dll),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(options.Dll);
        if (options.PassUrls)
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
        }

        foreach (string argument in options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in options.RemovedEnvironment)
        {
            start.Environment.Remove(name);
        }

        foreach (var (key, value) in options.Environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        return new ChildProcessServer(process, port, options);
    }

    /// <summary>A new client for this server (e.g. a second connection); the caller disposes it.</summary>
    public HttpClient NewClient() => LoopbackHttp.NewClient(BaseAddress);

    /// <summary>Sends a real SIGTERM, as an orchestrator would.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends a signal with <c>kill -NAME pid</c> (e.g. <c>TERM</c>, <c>INT</c>, <c>HUP</c>).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{name} {Id} exited {kill.ExitCode}");
    }

    /// <summary>Polls the readiness path until it answers 200; fails with the output so far if the process exits or the time runs out.</summary>
    public async Task WaitUntilReadyAsync()
    {
        try
        {
            await LoopbackHttp.WaitUntilOkAsync(Client, _options.ReadinessPath, _options.ReadinessTimeout, () => _process.HasExited).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException($"{e.Message}\nstdout:\n{Stdout}\nstderr:\n{Stderr}", e);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed. Returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for the process to exit by itself and for its output to be read; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>
    /// Waits for a failed start: asserts the exit code is <paramref name="exitCode"/> (3: a module's load failed) and
    /// that stderr holds exactly one line, which it returns.
    /// </summary>
    public async Task<string> WaitForStartupFailureAsync(TimeSpan timeout, int exitCode = 3)
    {
        int exited = await WaitForExitAsync(timeout).ConfigureAwait(false);
        string[] lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string context = $"exit {exited}; stderr:\n{Stderr}";
        Assert.True(exited == exitCode, context);
        Assert.True(lines.Length == 1, context);
        return lines[0];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        _options.OwnedDirectory?.Dispose();
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
