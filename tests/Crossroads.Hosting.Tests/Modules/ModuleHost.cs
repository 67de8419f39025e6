using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Tests.Modules;

/// <summary>The chassis with the given modules on a real Kestrel at 127.0.0.1, port 0.</summary>
public sealed class ModuleHost : IAsyncDisposable
{
    private ModuleHost(WebApplication app)
    {
        App = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static string[] Arguments(params string[] settings) =>
        ["--urls=http://127.0.0.1:0", "--Shutdown:DrainDelaySeconds=0", "--Logging:LogLevel:Default=Warning", .. settings];

    public static async Task<ModuleHost> StartAsync(IReadOnlyList<CrossroadsModule> modules, params string[] settings)
    {
        var app = CrossroadsHost.Build(Arguments(settings), modules);
        await app.StartAsync();
        return new ModuleHost(app);
    }

    public ModuleStatus Status(string module) => App.Services.GetRequiredKeyedService<ModuleStatus>(module);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

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
