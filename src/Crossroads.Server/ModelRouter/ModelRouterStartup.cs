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
/// With rate limits shared by replicas it then runs their exchange (<see cref="ModelRouterRateSync"/>): the first one
/// before the module reports ready (given <see cref="FirstSyncTimeout"/>; a store that does not answer delays
/// readiness by that much, not more), the others until the server stops.
/// </summary>
internal sealed class ModelRouterStartup(
    IServiceProvider services,
    ILoggerFactory loggers,
    [FromKeyedServices(ModuleCatalog.Names.ModelRouter)] ModuleStatus status) : BackgroundService
{
    private static readonly TimeSpan FirstSyncTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        ModelRouterRuntime runtime;
        try
        {
            runtime = services.GetRequiredService<ModelRouterRuntime>();
        }
        catch (Exception e)
        {
            status.MarkFailed("cannot build the model router: " + e.Message);
            return;
        }

        ModelRouterRateSync? sync = null;
        if (runtime.SharedLimits is { } shared)
        {
            sync = new ModelRouterRateSync(runtime, shared, loggers.CreateLogger(ModuleCatalog.ModelRouter.LogCategory));
            using var first = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            first.CancelAfter(FirstSyncTimeout);
            try
            {
                await sync.SyncOnceAsync(first.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                shared.CountFailure(); // the store took longer than the timeout: start with this replica's own limits
            }
        }

        int models = runtime.Catalog.Models.Count;
        status.MarkReady(string.Create(CultureInfo.InvariantCulture, $"{models} model{(models == 1 ? string.Empty : "s")}"));
        if (sync is not null)
        {
            await sync.RunAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}
