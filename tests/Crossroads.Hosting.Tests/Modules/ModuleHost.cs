using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Tests.Modules;

/// <summary>The chassis with the given modules on a real Kestrel at 127.0.0.1, port 0.</summary>
public sealed class ModuleHost : IAsyncDisposable
{
    private readonly InProcessServer _server;

    private ModuleHost(InProcessServer server) => _server = server;

    public WebApplication App => _server.App;

    public HttpClient Client => _server.Client;

    public static string[] Arguments(params string[] settings) =>
        [InProcessServer.LoopbackUrls, "--Shutdown:DrainDelaySeconds=0", "--Logging:LogLevel:Default=Warning", .. settings];

    public static async Task<ModuleHost> StartAsync(IReadOnlyList<CrossroadsModule> modules, params string[] settings)
    {
        return new ModuleHost(await InProcessServer.StartAsync(CrossroadsHost.Build(Arguments(settings), modules)));
    }

    public ModuleStatus Status(string module) => App.Services.GetRequiredKeyedService<ModuleStatus>(module);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>Runs the process entry in-process and returns its exit code and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyList<CrossroadsModule> modules, params string[] settings)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] args = Arguments(settings);
        var exitCode = await CrossroadsHost.RunCoreAsync(args, modules, a => CrossroadsHost.Build(a, modules, b => b.Logging.AddProvider(new LogCapture())), stdout, stderr)
            .WaitAsync(TimeSpan.FromSeconds(30));
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
