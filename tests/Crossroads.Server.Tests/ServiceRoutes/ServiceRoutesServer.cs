using System.Security.Cryptography;
using System.Text;
using Crossroads.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Crossroads.Server.Tests.ServiceRoutes;

/// <summary>
/// The real server in-process on a loopback port with the service-routes module on SQLite (its own DATA_DIR) or on a
/// PostgreSQL database, one API key (<see cref="KeyName"/>) for writes, a short revision poll. Started means ready.
/// </summary>
public sealed class ServiceRoutesServer : IAsyncDisposable
{
    public const string KeyName = "deployer";
    public const string Key = "deploy-key-0123456789";

    private readonly InProcessServer _server;

    private ServiceRoutesServer(InProcessServer server, TempDirectory? owned)
    {
        _server = server;
        Owned = owned;
        Client = server.NewClient();
        Writer = server.NewClient();
        Writer.DefaultRequestHeaders.Add("X-API-Key", Key);
    }

    public WebApplication App => _server.App;

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>A client without a key (reads).</summary>
    public HttpClient Client { get; }

    /// <summary>A client with the write key.</summary>
    public HttpClient Writer { get; }

    private TempDirectory? Owned { get; }

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>On SQLite in <paramref name="dataDirectory"/> (a fresh temporary one when null).</summary>
    public static Task<ServiceRoutesServer> StartSqliteAsync(string? dataDirectory = null, params string[] extra)
    {
        TempDirectory? owned = dataDirectory is null ? new TempDirectory("crossroads-sr-") : null;
        return StartAsync(dataDirectory ?? owned!.Path, null, owned, extra);
    }

    /// <summary>On the PostgreSQL database <paramref name="connectionString"/>.</summary>
    public static Task<ServiceRoutesServer> StartPostgresAsync(string connectionString, params string[] extra)
    {
        var owned = new TempDirectory("crossroads-sr-");
        return StartAsync(owned.Path, connectionString, owned, extra);
    }

    public static string[] Arguments(string dataDirectory, string? connectionString, IEnumerable<string> extra) =>
    [
        InProcessServer.LoopbackUrls,
        "--DATA_DIR", dataDirectory,
        "--RateLimits:Enabled", "false",
        "--Shutdown:DrainDelaySeconds", "0",
        "--Logging:LogLevel:Default", "Warning",
        "--Auth:ApiKeys:0:Name=" + KeyName,
        "--Auth:ApiKeys:0:Sha256=" + Sha256Hex(Key),
        "--ServiceRoutes:PollInterval=00:00:00.200",
        .. connectionString is null ? Array.Empty<string>() : ["--ConnectionStrings:Crossroads=" + connectionString],
        .. extra,
    ];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Writer.Dispose();
        await _server.DisposeAsync();
        Owned?.Dispose();
    }

    private static async Task<ServiceRoutesServer> StartAsync(string dataDirectory, string? connectionString, TempDirectory? owned, string[] extra)
    {
        InProcessServer? server = null;
        try
        {
            server = await InProcessServer.StartAsync(CrossroadsApp.Build(Arguments(dataDirectory, connectionString, extra)));
            var result = new ServiceRoutesServer(server, owned);
            await RoutingServer.WaitUntilReadyAsync(result.Client);
            return result;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            owned?.Dispose();
            throw;
        }
    }
}
