using Crossroads.Hosting;
using Crossroads.Server.RoutingTable;

namespace Crossroads.Server;

/// <summary>Builds the Crossroads server; tests build it the same way on a loopback port.</summary>
public static class CrossroadsApp
{
    /// <summary>Creates the application: chassis, then modules, then their endpoints.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        UseLegacyListenSettings(builder);
        builder.AddCrossroadsHosting();
        builder.AddRoutingTable();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseCrossroadsHosting();
        app.MapCrossroadsOperations();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/openapi.json", () => Results.Redirect("/openapi/v1.json")).ExcludeFromDescription();
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "docs";
            options.SwaggerEndpoint("/openapi/v1.json", "Crossroads");
            options.DocumentTitle = "Crossroads API";
        });
        app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription();
        app.MapRoutingTableApi();
        return app;
    }

    /// <summary>Runs until SIGTERM; returns the exit code (non-zero with one stderr line on a start failure).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        RoutingTableState? state = null;
        int exitCode = await CrossroadsHost.RunAsync(
            args,
            a =>
            {
                var app = Build(a);
                state = app.Services.GetRequiredService<RoutingTableState>();
                return app;
            },
            RoutingTableSettings.Help).ConfigureAwait(false);

        // The table loads after the server starts; a failed load stops the host, which must not look like success.
        if (exitCode == 0 && state?.Failure is { } failure)
        {
            await Console.Error.WriteLineAsync(failure).ConfigureAwait(false);
            return CrossroadsHost.StartupFailedExitCode;
        }

        return exitCode;
    }

    // The Python service listened on HOST:PORT. An explicit --urls / ASPNETCORE_URLS / Kestrel endpoint wins;
    // HOST/PORT, when set, win over ASPNETCORE_HTTP_PORTS, which every .NET container image presets (8080);
    // with neither, HOST/PORT's defaults apply (0.0.0.0:8000), as in the Python service.
    private static void UseLegacyListenSettings(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        bool explicitUrls = !string.IsNullOrEmpty(configuration["urls"]) || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        bool legacyGiven = !string.IsNullOrEmpty(configuration["HOST"]) || !string.IsNullOrEmpty(configuration["PORT"]);
        bool portsGiven = !string.IsNullOrEmpty(configuration["http_ports"]) || !string.IsNullOrEmpty(configuration["https_ports"]);
        if (!explicitUrls && (legacyGiven || !portsGiven))
        {
            builder.WebHost.UseUrls(RoutingTableSettings.ListenUrl(configuration));
        }
    }
}
