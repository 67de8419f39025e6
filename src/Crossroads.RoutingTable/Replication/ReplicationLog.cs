using Microsoft.Extensions.Logging;

namespace Crossroads.RoutingTable.Replication;

/// <summary>The shared table's log messages: event ids 2100–2119 of the RoutingTable range (2000–2999).</summary>
internal static partial class ReplicationLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Applied routing table schema migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Recorded this replica's base table as the shared table's base (hash {Hash}, {Routes} routes)")]
    public static partial void BaseRecorded(ILogger logger, string hash, int routes);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Listening for routing table changes (revision {Revision}); catching up")]
    public static partial void ListenerConnected(ILogger logger, long revision);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "The routing table change listener lost its connection or could not connect; retrying in {Delay}")]
    public static partial void ListenerDisconnected(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "The shared routing table's database is unreachable ({Reason}): lookups continue on revision {Revision}, writes are refused")]
    public static partial void Unreachable(ILogger logger, string reason, long revision);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "The shared routing table's database is reachable again (revision {Revision})")]
    public static partial void Reachable(ILogger logger, long revision);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Debug, Message = "Applied {Routes} changed routes up to revision {Revision}")]
    public static partial void Applied(ILogger logger, int routes, long revision);
}
