using Crossroads.Server.RoutingTable;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Server.Tests.Infrastructure;

/// <summary>
/// The real server (<see cref="CrossroadsApp.Build"/>) on Kestrel at 127.0.0.1, port 0, with its own routes file and
/// DATA_DIR. Settings are command-line arguments, as operators pass them. Started means the table is loaded.
/// </summary>
public sealed class RoutingServer : IAsyncDisposable
{
    private readonly InProcessServer _server;

    private RoutingServer(InProcessServer server, string routesFile, string dataDirectory, string[] extra)
    {
        _server = server;
        RoutesFile = routesFile;
        DataDirectory = dataDirectory;
        Extra = extra;
    }

    public WebApplication App => _server.App;

    public string RoutesFile { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress => _server.BaseAddress;

    public HttpClient Client => _server.Client;

    private string[] Extra { get; }

    public RoutingTableState State => App.Services.GetRequiredService<RoutingTableState>();

    /// <summary>The arguments every in-process test server gets: loopback port 0, no rate limits, no drain delay, quiet logs.</summary>
    public static string[] Arguments(string routesFile, string dataDirectory, IEnumerable<string>? extra = null) =>
    [
        InProcessServer.LoopbackUrls,
        "--ROUTES_FILE", routesFile,
        "--DATA_DIR", dataDirectory,
        "--RateLimits:Enabled", "false",
        "--Shutdown:DrainDelaySeconds", "0",
        "--Logging:LogLevel:Default", "Warning",
        .. extra ?? [],
    ];

    /// <summary>Writes <paramref name="routes"/> to a routes file in <paramref name="directory"/>, starts, waits until ready.</summary>
    public static Task<RoutingServer> StartAsync(TempDirectory directory, string routes, params string[] extra)
    {
        string routesFile = directory.Write("routes.txt", routes);
        return StartAsync(routesFile, directory.Subdirectory("data"), extra);
    }

    public static async Task<RoutingServer> StartAsync(string routesFile, string dataDirectory, params string[] extra)
    {
        var server = await StartUnreadyAsync(routesFile, dataDirectory, extra);
        try
        {
            await WaitUntilReadyAsync(server.Client);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Starts without waiting for the table (for load-failure tests).</summary>
    public static async Task<RoutingServer> StartUnreadyAsync(string routesFile, string dataDirectory, params string[] extra)
    {
        var server = await InProcessServer.StartAsync(CrossroadsApp.Build(Arguments(routesFile, dataDirectory, extra)));
        return new RoutingServer(server, routesFile, dataDirectory, extra);
    }

    /// <summary>Stops this server and starts a new one on the same routes file and DATA_DIR.</summary>
    public async Task<RoutingServer> RestartAsync()
    {
        await DisposeAsync();
        return await StartAsync(RoutesFile, DataDirectory, Extra);
    }

    /// <summary>Polls <c>/health/ready</c> until 200 (the table loads in the background).</summary>
    public static Task WaitUntilReadyAsync(HttpClient client) =>
        LoopbackHttp.WaitUntilOkAsync(client, "/health/ready", LoopbackHttp.DefaultTimeout);

    public static HttpClient NewClient(Uri baseAddress) => LoopbackHttp.NewClient(baseAddress);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
