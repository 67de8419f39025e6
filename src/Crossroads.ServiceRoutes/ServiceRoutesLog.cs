using Microsoft.Extensions.Logging;

namespace Crossroads.ServiceRoutes;

/// <summary>The library's log messages; event ids 3000–3099 of the ServiceRoutes range (3000–3999).</summary>
internal static partial class ServiceRoutesLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Service route store open: {Provider}, schema version {SchemaVersion}")]
    public static partial void StoreOpened(ILogger logger, string provider, int schemaVersion);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Applied service route schema migration {Version} ({Name}) on {Provider}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string provider);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "The service route database has schema version {DatabaseVersion}, newer than this build's {KnownVersion}; continuing (migrations are additive)")]
    public static partial void SchemaNewerThanBuild(ILogger logger, int databaseVersion, int knownVersion);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Committed a write batch: {Writes} writes, {Changes} changes, revision now {Revision}")]
    public static partial void BatchCommitted(ILogger logger, int writes, int changes, long revision);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "A service route write batch of {Writes} writes failed (each caller receives the exception)")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int writes);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Listening for service route changes (revision {Revision}); consumers catch up")]
    public static partial void ListenerConnected(ILogger logger, long revision);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "The service route change listener lost its connection or could not connect; retrying in {Delay}")]
    public static partial void ListenerDisconnected(ILogger logger, Exception exception, TimeSpan delay);
}
