using Microsoft.Extensions.Logging;

namespace Crossroads.ServiceRoutes.Caching;

/// <summary>The cache's log messages; event ids 3010–3019 of the ServiceRoutes range.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "The service route store is unreachable ({Reason}); resolves are served from the cache and marked stale, writes are refused")]
    public static partial void StoreUnreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "The service route store is reachable again")]
    public static partial void StoreReachable(ILogger logger);
}
