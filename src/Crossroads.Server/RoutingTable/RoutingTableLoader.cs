using System.Diagnostics;
using System.Globalization;
using Crossroads.Hosting;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Journal;
using Crossroads.RoutingTable.Loading;
using Crossroads.RoutingTable.Replication;
using Crossroads.Server.Database;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// Loads the table in the background so probes answer at once (startup/ready say 503 until it is in) and reports
/// the module's status; a failed load stops the process, which exits 3 with the one-line reason. Without a connection
/// string the journal is replayed; with one, the base table is checked against the shared table's, every committed
/// change applied, and the table then kept current until shutdown.
/// </summary>
internal sealed partial class RoutingTableLoader(
    RoutingTableOptions settings,
    RoutingTableState state,
    IConfiguration configuration,
    TimeProvider time,
    [FromKeyedServices(ModuleCatalog.Names.RoutingTable)] ModuleStatus status,
    ILoggerFactory loggers,
    RoutingTablePreload? preload = null) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger(ModuleCatalog.RoutingTable.LogCategory);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        string? connectionString = configuration.GetConnectionString(DatabaseBreaker.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await LoadJournaledAsync(stoppingToken).ConfigureAwait(false);
            return;
        }

        SharedRouteTable shared;
        try
        {
            var loaded = await LoadTableAsync(stoppingToken).ConfigureAwait(false);
            var table = loaded.Table;
            var loadTime = loaded.LoadTime;
            var options = new SharedTableOptions
            {
                ConnectionString = connectionString,
                RoutesFile = settings.RoutesFile,
                PollInterval = settings.PollInterval,
                TimeProvider = time,
                Logger = _logger,
            };
            shared = await SharedRouteTable.OpenAsync(table, options, stoppingToken).ConfigureAwait(false);
            state.Publish(new SharedBackend(shared, settings, time));
            int changed = table.Current.ChangedRoutes().Count;
            LogLoadedShared(_logger, table.Current.RouteCount, settings.RoutesFile, loadTime.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture), shared.Revision, changed);
            ReleaseLoadGarbage();
            status.MarkReady($"{table.Current.RouteCount} routes, shared revision {shared.Revision}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is RouteFileException or BaseTableMismatchException or SharedTableUnavailableException or IOException
                                       or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            Fail(e);
            return;
        }

        try
        {
            await shared.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutdown
        }
    }

    private async Task LoadJournaledAsync(CancellationToken stoppingToken)
    {
        try
        {
            var loaded = await LoadTableAsync(stoppingToken).ConfigureAwait(false);
            var table = await Task.Run(
                    () => DurableRouteTable.Open(loaded.Table, settings.JournalPath(), settings.MaxMetric, loaded.ParseTime, loaded.LoadTime),
                    stoppingToken)
                .ConfigureAwait(false);
            state.Publish(new JournaledBackend(table));
            var stats = table.Statistics;
            LogLoaded(
                _logger,
                table.Table.Current.RouteCount,
                settings.RoutesFile,
                stats.LoadTime.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
                stats.Replayed,
                stats.ReplayedUnmatched,
                table.JournalPath);
            LogPhases(
                _logger,
                Seconds(stats.ParseTime),
                Seconds(stats.LoadTime - stats.ParseTime),
                Seconds(stats.ReplayTime),
                Seconds(DateTime.Now - Process.GetCurrentProcess().StartTime));
            if (stats.DroppedTornTail)
            {
                LogTornTail(_logger, table.JournalPath);
            }

            if (stats.CompactionError is { } compactionError)
            {
                LogCompactionFailed(_logger, compactionError);
            }

            ReleaseLoadGarbage();
            status.MarkReady($"{table.Table.Current.RouteCount} routes");
        }
        catch (Exception e) when (e is RouteFileException or JournalException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Fail(e);
        }
    }

    // The parse and the FIB builders leave large arrays behind (growth copies, the tables before their pinned copies).
    // A background collection after the start left the server at 229 MiB RSS 5 s after green (full table, every
    // module on; 197 MiB with the routing table alone): it frees the objects but keeps their memory committed. One
    // blocking, compacting collection that also returns the free memory to the system (Aggressive) takes ~40 ms on the
    // full table and leaves 193-194 MiB (165 MiB alone). It runs before the module reports ready, so no request waits
    // on that pause; the start takes those ~40 ms longer.
    private static void ReleaseLoadGarbage() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>The table the preload started at composition, or loaded here when there was none for these settings.</summary>
    private Task<PreloadedTable> LoadTableAsync(CancellationToken stoppingToken) =>
        preload?.For(settings.RoutesFile, settings.MaxMetric)?.WaitAsync(stoppingToken)
        ?? Task.Run(() => PreloadedTable.Load(settings.RoutesFile, settings.MaxMetric), stoppingToken);

    private void Fail(Exception e)
    {
        string message = e switch
        {
            IOException or UnauthorizedAccessException =>
                $"ROUTES_FILE/DATA_DIR: cannot read routes file '{settings.RoutesFile}' or journal '{settings.JournalPath()}': {e.Message}",
            SharedTableUnavailableException => $"cannot open the shared routing table: {e.Message}",
            _ => e.Message,
        };
        LogLoadFailed(_logger, message);
        status.MarkFailed(message); // the chassis stops the process: exit 3, one stderr line naming the module
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture);

    // Start time in parts, so a slow start can be attributed (bench/load/start-time.sh reads this event).
    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Routing table start: parse {Parse} s, build {Build} s, replay {Replay} s; loaded {SinceProcessStart} s after the process started")]
    private static partial void LogPhases(ILogger logger, string parse, string build, string replay, string sinceProcessStart);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Loaded {Routes} routes from {RoutesFile} in {Seconds} s; replayed {Replayed} journaled updates ({Unmatched} matched nothing) from {Journal}")]
    private static partial void LogLoaded(ILogger logger, int routes, string routesFile, string seconds, int replayed, int unmatched, string journal);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Dropped an incomplete last entry of {Journal} (an update interrupted before it was acknowledged)")]
    private static partial void LogTornTail(ILogger logger, string journal);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "{Reason}; the journal stays as it was and is replayed in full at the next start")]
    private static partial void LogCompactionFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Critical, Message = "Routing table load failed: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Loaded {Routes} routes from {RoutesFile} in {Seconds} s; shared table on PostgreSQL at revision {Revision} ({Changed} routes with a changed metric)")]
    private static partial void LogLoadedShared(ILogger logger, int routes, string routesFile, string seconds, long revision, int changed);
}
