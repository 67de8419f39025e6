using Crossroads.Hosting;
using Crossroads.ModelRouting.Limits;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Exchanges the keys' rate-limit usage with the other replicas every <c>SharedRateLimits:SyncMs</c>
/// (<see cref="SharedRateLimits"/>), through the module's store (the budgets' database). Requests never wait for it:
/// while the store does not answer, each replica keeps limiting on its own, one warning marks the start of the outage
/// and one line its end, and <c>model_router_rate_limit_sync_failures_total</c> counts the failed exchanges.
/// </summary>
internal sealed partial class ModelRouterRateSync(IServiceProvider services, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger(ModuleCatalog.ModelRouter.LogCategory);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        ModelRouterRuntime runtime;
        try
        {
            runtime = services.GetRequiredService<ModelRouterRuntime>();
        }
#pragma warning disable CA1031 // Whatever stopped the runtime's construction, ModelRouterStartup reports it and fails the module.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }

        if (runtime.SharedLimits is not { } shared)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(runtime.Options.SharedRateLimits.SyncMs));
        string? failing = null;
        do
        {
            try
            {
                if (await runtime.Engine.Budgets.StoreAsync(stoppingToken).ConfigureAwait(false) is not IRateUsageExchange exchange)
                {
                    LogNoExchange(_logger);
                    return;
                }

                await shared.SyncAsync(exchange, stoppingToken).ConfigureAwait(false);
                if (failing is not null)
                {
                    LogRecovered(_logger, shared.OtherReplicas);
                    failing = null;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure of the store must leave the loop running: limits fall back to this replica's own.
            catch (Exception e)
#pragma warning restore CA1031
            {
                shared.CountFailure();
                if (failing is null)
                {
                    failing = e.Message;
                    LogFailing(_logger, e.Message);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Model router: cannot exchange rate-limit usage with the other replicas ({Reason}); each replica limits on its own until the store answers")]
    private static partial void LogFailing(ILogger logger, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Model router: rate-limit usage exchanged again ({Others} other replicas)")]
    private static partial void LogRecovered(ILogger logger, int others);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Model router: the spend store cannot share rate limits; each replica limits on its own")]
    private static partial void LogNoExchange(ILogger logger);
}
