using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crossroads.Geocoding.Index;
using Crossroads.Hosting;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Indexes <see cref="GeocoderOptions.DataFile"/> after the server starts and reports the module ready with its counts;
/// an unreadable or malformed file stops the process (exit 3, one line naming the module and the file).
/// </summary>
internal sealed partial class GeocoderLoader(
    GeocoderOptions options,
    GeocoderRuntime runtime,
    [FromKeyedServices(ModuleCatalog.Names.Geocoder)] ModuleStatus status,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger(ModuleCatalog.Geocoder.LogCategory);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        string path = Path.GetFullPath(options.DataFile);
        var clock = Stopwatch.StartNew();
        GeocoderIndex index;
        try
        {
            index = await Task.Run(() => GeocoderIndex.LoadFile(path), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or JsonException
            or InvalidDataException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            string reason = $"cannot load the geocoder data file {path}: {e.Message}";
            LogLoadFailed(_logger, reason);
            status.MarkFailed(reason);
            return;
        }

        runtime.Publish(index);
        long ms = clock.ElapsedMilliseconds;
        LogLoaded(_logger, index.DocumentCount, index.HousenumberCount, index.TermCount, path, ms);
        status.MarkReady(string.Create(
            CultureInfo.InvariantCulture,
            $"{index.DocumentCount} documents, {index.HousenumberCount} housenumbers, {index.TermCount} terms from {Path.GetFileName(path)} in {ms} ms"));
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Geocoder ready: {Documents} documents, {Housenumbers} housenumbers, {Terms} terms from {File} in {Milliseconds} ms")]
    private static partial void LogLoaded(ILogger logger, int documents, int housenumbers, int terms, string file, long milliseconds);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Geocoder failed to start: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string reason);
}
