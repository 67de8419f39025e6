using Crossroads.Hosting;
using Crossroads.ServiceRoutes;
using Crossroads.ServiceRoutes.Caching;
using Crossroads.ServiceRoutes.Events;
using System.Diagnostics.Metrics;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// Opens the store (applying migrations), loads the cache, reports the module ready, then keeps the cache current until
/// shutdown. A failure before ready stops the process (exit 3, one line naming the module and the cause).
/// </summary>
internal sealed partial class ServiceRoutesLoader(
    ServiceRoutesOptions options,
    ServiceRoutesRuntime runtime,
    IConfiguration configuration,
    IMeterFactory meters,
    [FromKeyedServices(ModuleCatalog.Names.ServiceRoutes)] ModuleStatus status,
    ILoggerFactory loggers) : BackgroundService
{
    /// <summary>The connection string name: <c>ConnectionStrings:Crossroads</c> (env <c>ConnectionStrings__Crossroads</c>).</summary>
    public const string ConnectionStringName = Database.DatabaseBreaker.ConnectionStringName;

    private const int LargeCache = 100_000;

    private readonly ILogger _logger = loggers.CreateLogger(ModuleCatalog.ServiceRoutes.LogCategory);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        RouteCacheSynchronizer synchronizer;
        OutboxRelay? relay = null;
        try
        {
            string? connectionString = configuration.GetConnectionString(ConnectionStringName);
            var storeOptions = new ServiceRouteStoreOptions
            {
                ConnectionString = string.IsNullOrWhiteSpace(connectionString) ? null : connectionString,
                DataDirectory = options.DataDirectory,
                BusyTimeout = options.BusyTimeout,
                MaxWriteBatch = options.MaxWriteBatch,
                TimeProvider = runtime.Time,
                Logger = _logger,
            };
            var store = await ServiceRouteStore.OpenAsync(storeOptions, stoppingToken).ConfigureAwait(false);
            synchronizer = new RouteCacheSynchronizer(store, runtime.Cache, options.PollInterval, runtime.Time, _logger);
            await synchronizer.WarmAsync(stoppingToken).ConfigureAwait(false);
            if (options.Events.HasTargets)
            {
                relay = OutboxRelay.Create(store, storeOptions, options.Events, http: null, meters, _logger);
            }

            runtime.Publish(store, synchronizer, relay);
            if (runtime.Cache.RouteCount >= LargeCache)
            {
                // Loading streamed every row through short-lived objects and grew the dictionary several times; one
                // compacting collection now returns that memory to the OS instead of carrying it as RSS (measured on
                // 1M routes: see README, "Performance").
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }

            LogLoaded(_logger, runtime.Cache.RouteCount, runtime.Cache.SplitCount, store.Provider, synchronizer.Revision);
            status.MarkReady($"{runtime.Cache.RouteCount} routes on {store.Provider}, revision {synchronizer.Revision}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is StoreUnavailableException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            string message = $"cannot open the service route store: {e.Message}";
            LogLoadFailed(_logger, message);
            status.MarkFailed(message);
            return;
        }

        try
        {
            // The relay delivers what was committed before this start too (the outbox keeps it until delivered).
            await using var listener = runtime.Store!.CreateChangeListener();
            await Task.WhenAll(
                synchronizer.RunAsync(stoppingToken),
                synchronizer.ListenAsync(listener, stoppingToken),
                relay?.RunAsync(stoppingToken) ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutdown
        }
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Service routes ready: {Routes} routes and {Splits} splits cached from {Provider} at revision {Revision}")]
    private static partial void LogLoaded(ILogger logger, int routes, int splits, string provider, long revision);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Error, Message = "Service routes failed to start: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string reason);
}
