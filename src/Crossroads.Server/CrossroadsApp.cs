using Crossroads.Hosting;
using Crossroads.Server.Geocoder;
using Crossroads.Server.ModelRouter;
using Crossroads.Server.RoutingTable;
using Crossroads.Server.ServiceRoutes;

namespace Crossroads.Server;

/// <summary>The Crossroads server: the chassis, its modules, and the API docs; tests build it the same way on a loopback port.</summary>
public static class CrossroadsApp
{
    /// <summary>The table of contents: every module this server can serve (each can be switched off with <c>Modules:&lt;Name&gt;:Enabled</c>).</summary>
    public static IReadOnlyList<CrossroadsModule> Modules { get; } =
    [
        new RoutingTableModule(), // IP longest-prefix match: /destination, /destinations, /prefix, /routes, /health
        new ServiceRoutesModule(), // service route control plane: /api/v1/routes, /api/v1/audit, /api/v1/splits, /api/v1/events
        new ModelRouterModule(), // LLM gateway: /v1/chat/completions, /v1/models, /v1/ask, /v1/plan, /v1/observe, /v1/decisions
        new GeocoderModule(), // Addok's geocoder API on an embedded index: /search, /reverse, /get/{id}, /search/csv, /reverse/csv
    ];

    /// <summary>Creates the application.</summary>
    public static WebApplication Build(string[] args) => CrossroadsHost.Build(args, Modules, AddApiDocs, MapApiDocs);

    /// <summary>Runs until SIGTERM; returns the exit code (non-zero with one stderr line on a start failure).</summary>
    public static Task<int> RunAsync(string[] args) => CrossroadsHost.RunAsync(args, Modules, AddApiDocs, MapApiDocs);

    private static void AddApiDocs(WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi(static options => options.AddDocumentTransformer<ApiDocs.ApiDocTransformer>());

    private static void MapApiDocs(WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/openapi.json", () => Results.Redirect("/openapi/v1.json")).ExcludeFromDescription();
        // Only /docs requests enter the Swagger UI middleware: it matches every request path against regexes and
        // allocates strings doing so (measured ~2.5 % of the CPU of a lookup request).
        app.UseWhen(
            static context => context.Request.Path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase),
            static docs => docs.UseSwaggerUI(options =>
            {
                options.RoutePrefix = "docs";
                options.SwaggerEndpoint("/openapi/v1.json", "Crossroads");
                options.DocumentTitle = "Crossroads API";
            }));
        app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription();
    }
}
