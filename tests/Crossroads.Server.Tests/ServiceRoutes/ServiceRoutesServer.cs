using System.Security.Cryptography;
using System.Text;
using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests.ServiceRoutes;

/// <summary>
/// The real server in-process on a loopback port with the service-routes module on SQLite (its own DATA_DIR) or on a
/// PostgreSQL database, one API key (<see cref="KeyName"/>) for writes, a short revision poll. Started means ready.
/// </summary>
public sealed class ServiceRoutesServer : ModuleServer
{
    public const string KeyName = "deployer";
    public const string Key = "deploy-key-0123456789";

    private ServiceRoutesServer(InProcessServer server, TempDirectory? owned)
        : base(server, owned)
    {
        Writer = server.NewClient();
        Writer.DefaultRequestHeaders.Add("X-API-Key", Key);
    }

    /// <summary>A client with the write key.</summary>
    public HttpClient Writer { get; }

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>On SQLite in <paramref name="dataDirectory"/> (a fresh temporary one when null).</summary>
    public static Task<ServiceRoutesServer> StartSqliteAsync(string? dataDirectory = null, params string[] extra) =>
        StartAsync("crossroads-sr-", dataDirectory, data => Arguments(data, null, extra), static (server, owned) => new ServiceRoutesServer(server, owned));

    /// <summary>On the PostgreSQL database <paramref name="connectionString"/>.</summary>
    public static Task<ServiceRoutesServer> StartPostgresAsync(string connectionString, params string[] extra) =>
        StartAsync("crossroads-sr-", null, data => Arguments(data, connectionString, extra), static (server, owned) => new ServiceRoutesServer(server, owned));

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

    protected override ValueTask DisposeClientsAsync()
    {
        Writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
