using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crossroads.Geocoding.Index;
using Crossroads.Hosting;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// After the server starts: imports <see cref="GeocoderOptions.DataFile"/> into its index file when the index is
/// missing or older (otherwise only maps the existing file), publishes it and reports the module ready with its
/// counts; an unreadable or malformed file stops the process (exit 3, one line naming the module and the file). Then
/// checks the data file every <see cref="GeocoderOptions.WatchSeconds"/>: a newer one is imported beside the live
/// index (temporary name, flush, rename) and swapped in; requests in flight finish on the old index.
/// </summary>
internal sealed partial class GeocoderLoader(
    GeocoderOptions options,
    GeocoderRuntime runtime,
    [FromKeyedServices(ModuleCatalog.Names.Geocoder)] ModuleStatus status,
    ILoggerFactory loggers) : BackgroundService
{
    /// <summary>After a swap, a collection this much later releases the old mapping if no request holds it any more.</summary>
    private static readonly TimeSpan RetireGrace = TimeSpan.FromSeconds(10);

    /// <summary>A data file modified more recently than this may still be being written: the import waits a tick.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = loggers.CreateLogger(ModuleCatalog.Geocoder.LogCategory);
    private DateTime _failedVersion;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        string path = Path.GetFullPath(options.DataFile);
        string indexFile = IndexFiles.IndexPathFor(path, options.EffectiveIndexDirectory);
        var clock = Stopwatch.StartNew();
        GeocoderIndex index;
        bool imported;
        try
        {
            (index, imported) = await Task.Run(() => Load(path, indexFile, force: false), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (IsDataError(e))
        {
            string reason = $"cannot load the geocoder data file {path}: {e.Message}";
            LogLoadFailed(_logger, reason);
            status.MarkFailed(reason);
            return;
        }

        runtime.Publish(index);
        long ms = clock.ElapsedMilliseconds;
        LogLoaded(_logger, index.DocumentCount, index.HousenumberCount, index.TermCount, path, indexFile, imported ? "imported" : "mapped", ms);
        status.MarkReady(string.Create(
            CultureInfo.InvariantCulture,
            $"{index.DocumentCount} documents, {index.HousenumberCount} housenumbers, {index.TermCount} terms from {Path.GetFileName(path)} ({(imported ? "imported" : "index file mapped")} in {ms} ms)"));

        if (options.WatchSeconds > 0)
        {
            await WatchAsync(path, indexFile, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task WatchAsync(string path, string indexFile, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.WatchSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!File.Exists(path) || !IndexFiles.IsStale(path, indexFile))
                {
                    continue;
                }
                var version = File.GetLastWriteTimeUtc(path);
                if (version == _failedVersion || DateTime.UtcNow - version < Settle)
                {
                    continue;
                }
                await ReimportAsync(path, indexFile, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReimportAsync(string path, string indexFile, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        GeocoderIndex index;
        try
        {
            (index, _) = await Task.Run(() => Load(path, indexFile, force: true), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsDataError(e))
        {
            // The live index keeps serving; this version of the file is not tried again, the next one is.
            LogReimportFailed(_logger, path, e.Message);
            _failedVersion = File.GetLastWriteTimeUtc(path);
            return;
        }
        runtime.Publish(index);
        LogSwapped(_logger, index.DocumentCount, index.HousenumberCount, path, clock.ElapsedMilliseconds);
        // Requests still holding the old index keep its mapping; once they are done, a full collection unmaps it (its
        // finalizer) instead of waiting for the next natural gen-2 collection.
        await Task.Delay(RetireGrace, stoppingToken).ConfigureAwait(false);
        GC.Collect(2, GCCollectionMode.Default, blocking: false);
    }

    private static (GeocoderIndex Index, bool Imported) Load(string dataFile, string indexFile, bool force)
    {
        if (!File.Exists(dataFile))
        {
            throw new FileNotFoundException("no such file", dataFile);
        }
        var imported = false;
        if (force || IndexFiles.IsStale(dataFile, indexFile))
        {
            IndexFiles.Import(dataFile, indexFile);
            imported = true;
        }
        try
        {
            return (GeocoderIndex.Open(indexFile), imported);
        }
        catch (InvalidDataException) when (!imported)
        {
            // An index file of another format version, or damaged: rebuilt once from the data file.
            IndexFiles.Import(dataFile, indexFile);
            return (GeocoderIndex.Open(indexFile), true);
        }
    }

    private static bool IsDataError(Exception e) =>
        e is IOException or UnauthorizedAccessException or FormatException or JsonException
            or InvalidDataException or ArgumentException or InvalidOperationException or KeyNotFoundException;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Geocoder ready: {Documents} documents, {Housenumbers} housenumbers, {Terms} terms from {File}, index {IndexFile} {How} in {Milliseconds} ms")]
    private static partial void LogLoaded(ILogger logger, int documents, int housenumbers, int terms, string file, string indexFile, string how, long milliseconds);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Geocoder failed to start: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Geocoder index swapped: {Documents} documents, {Housenumbers} housenumbers from {File} imported in {Milliseconds} ms")]
    private static partial void LogSwapped(ILogger logger, int documents, int housenumbers, string file, long milliseconds);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Geocoder kept its index: re-importing {File} failed: {Reason}")]
    private static partial void LogReimportFailed(ILogger logger, string file, string reason);
}
