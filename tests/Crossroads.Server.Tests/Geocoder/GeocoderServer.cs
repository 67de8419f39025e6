using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>
/// The real server in-process on a loopback port with the geocoder on the bundled sample (Pouembout and Koné), its own
/// DATA_DIR, rate limits off unless asked. Started means ready (the index is loaded).
/// </summary>
public sealed class GeocoderServer : ModuleServer
{
    private GeocoderServer(InProcessServer server, TempDirectory? owned)
        : base(server, owned)
    {
    }

    /// <summary>The sample bundled for <c>dotnet run</c> (copied beside the tests with the server's data folder).</summary>
    public static string BundledSample => Path.Combine(AppContext.BaseDirectory, "data", "geocoder-sample.ndjson.gz");

    public static Task<GeocoderServer> StartAsync(bool rateLimits = false, params string[] extra) =>
        StartAsync(
            "crossroads-geo-",
            null,
            data =>
            [
                InProcessServer.LoopbackUrls,
                "--DATA_DIR", data,
                "--RateLimits:Enabled", rateLimits ? "true" : "false",
                "--Shutdown:DrainDelaySeconds", "0",
                "--Logging:LogLevel:Default", "Warning",
                .. extra,
            ],
            static (server, owned) => new GeocoderServer(server, owned));
}

/// <summary>One server shared by the read-only tests of a class (the index never changes).</summary>
public sealed class GeocoderServerFixture : IAsyncLifetime
{
    public GeocoderServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GeocoderServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
