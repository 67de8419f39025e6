using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1, port 0, with the chassis and a tiny module: reads, writes, failures.
/// Settings are passed as command-line arguments, the same path operators use.
/// </summary>
public sealed class ChassisServer : IAsyncDisposable
{
    private readonly InProcessServer _server;

    private ChassisServer(InProcessServer server, LogCapture logs)
    {
        _server = server;
        Logs = logs;
    }

    public WebApplication App => _server.App;

    public LogCapture Logs { get; }

    public Uri BaseAddress => _server.BaseAddress;

    public HttpClient Client => _server.Client;

    /// <summary>Hex SHA-256 of a key's UTF-8 bytes, as operators compute it with <c>printf %s KEY | sha256sum</c>.</summary>
    public static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static async Task<ChassisServer> StartAsync(IEnumerable<string>? settings = null, bool markStarted = true, Action<WebApplicationBuilder>? configure = null)
    {
        var logs = new LogCapture();
        var server = new ChassisServer(await InProcessServer.StartAsync(Build([.. settings ?? []], logs, configure)), logs);
        if (markStarted)
        {
            server.MarkReady();
        }

        return server;
    }

    /// <summary>Reports the test module's (background) load as finished, as a module's loader would.</summary>
    public void MarkReady() => App.Services.GetRequiredKeyedService<ModuleStatus>(TestModule.Name).MarkReady();

    /// <summary>Builds (without starting) the test application the way a server's Program would.</summary>
    public static WebApplication Build(string[] settings, LogCapture logs, Action<WebApplicationBuilder>? configure = null)
    {
        string[] args = [InProcessServer.LoopbackUrls, "--Shutdown:DrainDelaySeconds=0", "--Logging:LogLevel:Default=Debug", .. settings];
        return CrossroadsHost.Build(
            args,
            [new TestModule()],
            builder =>
            {
                builder.Logging.AddProvider(logs);
                configure?.Invoke(builder);
            });
    }

    /// <summary>Maps the test module's endpoints: reads, a write, an upload, failures, an empty error, slow and logging endpoints.</summary>
    internal static void MapTestEndpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/items", () => "read");
        app.MapGet("/unlimited", () => "unlimited").DisableRateLimiting();
        app.MapPost("/items", (HttpContext context, ILogger<ChassisServer> logger) =>
        {
            logger.LogInformation("write accepted");
            return context.GetApiKeyName() ?? "anonymous";
        }).RequireWriteAccess();
        app.MapPost("/upload", async (HttpRequest request) =>
        {
            var buffer = new byte[8192];
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        });
        app.MapGet("/boom", string () => throw new InvalidOperationException("secret internal detail"));
        app.MapGet("/problem", () => TypedResults.Problem(statusCode: 400, detail: "The address 'x' is not valid."));
        app.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return "never";
        });
        app.MapGet("/wait", async (int ms) =>
        {
            await Task.Delay(ms);
            return "waited";
        });
        app.MapGet("/empty-error", (HttpContext context, bool pages) =>
        {
            context.Features.Get<IStatusCodePagesFeature>()!.Enabled = pages;
            return Results.StatusCode(StatusCodes.Status409Conflict);
        });
        app.MapGet("/log", (ILogger<ChassisServer> logger) =>
        {
            logger.LogInformation("hello from endpoint");
            return "logged";
        });
    }

    public HttpClient NewClient() => _server.NewClient();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
