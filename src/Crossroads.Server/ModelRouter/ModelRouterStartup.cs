using System.Globalization;
using Crossroads.Hosting;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Builds the router's runtime after the server starts, beside the other modules' loads, and reports the module ready
/// then: its observable instruments (breaker states, settle failures) are on <c>/metrics</c> from startup on, since an
/// idle replica whose gauges are missing cannot be told from one that is not exporting them. Built in the foreground
/// it held Kestrel's start back by ~0.1 s (mostly JIT; published ReadyToRun server, full table: green 1.78 against
/// 1.70 s); here it runs while the routing table loads. A runtime that cannot be built fails the module (exit 3, one
/// line naming it) instead of every request. Building it does no I/O (the spend store opens on the first request
/// with a budget); a request that comes first builds it itself (a singleton: it waits for the same instance).
/// </summary>
internal sealed class ModelRouterStartup(
    IServiceProvider services,
    [FromKeyedServices(ModuleCatalog.Names.ModelRouter)] ModuleStatus status) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var runtime = services.GetRequiredService<ModelRouterRuntime>();
            int models = runtime.Catalog.Models.Count;
            status.MarkReady(string.Create(CultureInfo.InvariantCulture, $"{models} model{(models == 1 ? string.Empty : "s")}"));
        }
        catch (Exception e)
        {
            status.MarkFailed("cannot build the model router: " + e.Message);
        }
    }
}
