namespace Crossroads.Testing;

/// <summary>What <see cref="ChildProcessServer.Start"/> runs and how it finds the server.</summary>
public sealed class ChildProcessServerOptions
{
    /// <summary>The server's built dll, run as <c>dotnet Dll ...</c> (see <see cref="ChildProcessServer.DllBesideTests"/>).</summary>
    public required string Dll { get; init; }

    /// <summary>Command-line arguments after the dll (and after <c>--urls</c> when <see cref="PassUrls"/>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Environment variables set for the child, on top of the test process's own.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Variables of the test process the child must not inherit. By default the ones that would make it run as
    /// something other than an operator's production start: a developer's shell often sets them.
    /// </summary>
    public IReadOnlyList<string> RemovedEnvironment { get; init; } = ["ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS"];

    /// <summary>The loopback port the server listens on; null picks a free one (then <see cref="PassUrls"/> must stay true).</summary>
    public int? Port { get; init; }

    /// <summary>
    /// Whether to pass <c>--urls http://127.0.0.1:port</c> right after the dll. False when the test is about how
    /// the server finds its address itself (environment, settings); <see cref="Port"/> then says where that is.
    /// </summary>
    public bool PassUrls { get; init; } = true;

    /// <summary>The path <see cref="ChildProcessServer.WaitUntilReadyAsync"/> polls until it answers 200.</summary>
    public string ReadinessPath { get; init; } = "/health/ready";

    /// <summary>How long <see cref="ChildProcessServer.WaitUntilReadyAsync"/> waits.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = LoopbackHttp.DefaultTimeout;

    /// <summary>The child's working directory; null means the dll's folder.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>A directory the server owns (e.g. its DATA_DIR), deleted after the process is gone.</summary>
    public TempDirectory? OwnedDirectory { get; init; }
}
