using Crossroads.ModelRouting.Limits;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Exchanges the keys' rate-limit usage with the other replicas (<see cref="SharedRateLimits"/>) through the module's
/// store (the budgets' database): once at start, before the module reports ready, so that a replica takes the usage it
/// finds as its baseline before it admits anything, then every <c>SharedRateLimits:SyncMs</c>. Requests never wait for
/// it: while the store does not answer, each replica keeps limiting on its own, one warning marks the start of the
/// outage and one line its end, and <c>model_router_rate_limit_sync_failures_total</c> counts the failed exchanges.
/// Run by <see cref="ModelRouterStartup"/> (one caller: a sync is not reentrant).
/// </summary>
internal sealed partial class ModelRouterRateSync(ModelRouterRuntime runtime, SharedRateLimits shared, ILogger logger)
{
    private string? _failing;

    /// <summary>One exchange; false when it failed (logged and counted).</summary>
    public async Task<bool> SyncOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await runtime.Engine.Budgets.StoreAsync(cancellationToken).ConfigureAwait(false) is not IRateUsageExchange exchange)
            {
                throw new InvalidOperationException("the spend store cannot share rate limits");
            }

            await shared.SyncAsync(exchange, cancellationToken).ConfigureAwait(false);
            if (_failing is not null)
            {
                LogRecovered(logger, shared.OtherReplicas);
                _failing = null;
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) // any failure of the store leaves the loop running: limits fall back to this replica's own
        {
            shared.CountFailure();
            if (_failing is null)
            {
                _failing = e.Message;
                LogFailing(logger, e.Message);
            }

            return false;
        }
    }

    /// <summary>Exchanges every <c>SyncMs</c> until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(runtime.Options.SharedRateLimits.SyncMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SyncOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Model router: cannot exchange rate-limit usage with the other replicas ({Reason}); each replica limits on its own until the store answers")]
    private static partial void LogFailing(ILogger logger, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Model router: rate-limit usage exchanged again ({Others} other replicas)")]
    private static partial void LogRecovered(ILogger logger, int others);
}
