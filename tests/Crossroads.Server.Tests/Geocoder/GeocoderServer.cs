using Crossroads.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>
/// The real server in-process on a loopback port with the geocoder on the bundled sample (Pouembout and Koné), its own
/// DATA_DIR, rate limits off unless asked. Started means ready (the index is loaded).
/// </summary>
public sealed class GeocoderServer : IAsyncDisposable
{
    private readonly InProcessServer _server;
    private readonly TempDirectory _data;

    private GeocoderServer(InProcessServer server, TempDirectory data)
    {
        _server = server;
        _data = data;
        Client = server.NewClient();
    }

    public WebApplication App => _server.App;

    public Uri BaseAddress => _server.BaseAddress;

    public HttpClient Client { get; }

    public HttpClient NewClient() => _server.NewClient();

    /// <summary>The sample bundled for <c>dotnet run</c> (copied beside the tests with the server's data folder).</summary>
    public static string BundledSample => Path.Combine(AppContext.BaseDirectory, "data", "geocoder-sample.ndjson.gz");

    public static async Task<GeocoderServer> StartAsync(bool rateLimits = false, params string[] extra)
    {
        var data = new TempDirectory("crossroads-geo-");
        InProcessServer? server = null;
        try
        {
            string[] args =
            [
                InProcessServer.LoopbackUrls,
                "--DATA_DIR", data.Path,
                "--RateLimits:Enabled", rateLimits ? "true" : "false",
                "--Shutdown:DrainDelaySeconds", "0",
                "--Logging:LogLevel:Default", "Warning",
                .. extra,
            ];
            server = await InProcessServer.StartAsync(CrossroadsApp.Build(args));
            var result = new GeocoderServer(server, data);
            await RoutingServer.WaitUntilReadyAsync(result.Client);
            return result;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            data.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>One server shared by the read-only tests of a class (the index never changes).</summary>
public sealed class GeocoderServerFixture : IAsyncLifetime
{
    public GeocoderServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GeocoderServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
