using Microsoft.Extensions.Logging;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>The event relay's log messages; event ids 3100–3199 of the ServiceRoutes range (3000–3999).</summary>
internal static partial class EventRelayLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Outbox relay started: delivering to {Sinks}")]
    public static partial void Started(ILogger logger, string sinks);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Outbox relay is now the leader and delivers events (released {Released} claims left by a previous relay)")]
    public static partial void BecameLeader(ILogger logger, int released);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Outbox relay is not the leader: another replica delivers events")]
    public static partial void NotLeader(ILogger logger);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Delivered {Count} events, revisions {FirstRevision}..{LastRevision}")]
    public static partial void Delivered(ILogger logger, int count, long firstRevision, long lastRevision);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Delivering {Count} events from revision {FirstRevision} to {Sink} failed ({Failures} in a row); retrying in {RetryMilliseconds} ms")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string sink, int count, long firstRevision, int failures, long retryMilliseconds);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "The outbox relay failed before delivering ({Failures} in a row); retrying in {RetryMilliseconds} ms")]
    public static partial void RelayStepFailed(ILogger logger, Exception exception, int failures, long retryMilliseconds);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Deleted {Count} outbox messages delivered before {Cutoff:O}")]
    public static partial void Purged(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Deleting delivered outbox messages failed; trying again later")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Information, Message = "Outbox relay stopped after delivering {Delivered} events")]
    public static partial void Stopped(ILogger logger, long delivered);
}
