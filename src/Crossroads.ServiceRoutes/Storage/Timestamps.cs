using System.Globalization;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// Times as both stores keep them: UTC, truncated to microseconds (PostgreSQL's precision), so a value read back from
/// either store equals the one written. SQLite stores microseconds since the Unix epoch (an integer compares and
/// indexes exactly; text would depend on a fixed format).
/// </summary>
internal static class Timestamps
{
    public static DateTimeOffset Now(TimeProvider time) => Truncate(time.GetUtcNow());

    public static DateTimeOffset Truncate(DateTimeOffset value)
    {
        long ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    public static long ToUnixMicroseconds(DateTimeOffset value) => (value.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTimeOffset FromUnixMicroseconds(long microseconds) =>
        new(DateTime.UnixEpoch.Ticks + (microseconds * 10), TimeSpan.Zero);

    /// <summary>ISO 8601 with six fractional digits and a Z, as the outbox payload carries it.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
