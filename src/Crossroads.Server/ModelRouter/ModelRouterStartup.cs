namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Builds the router's runtime when the host starts rather than on the first request, so that its observable
/// instruments (breaker states, settle failures) are on <c>/metrics</c> from the first scrape: an idle replica whose
/// gauges are missing cannot be told from one that is not exporting them. Building it does no I/O (the spend store
/// opens on the first request with a budget).
/// </summary>
internal sealed class ModelRouterStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<ModelRouterRuntime>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
