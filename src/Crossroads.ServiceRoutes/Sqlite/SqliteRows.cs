using System.Data.Common;
using Crossroads.ServiceRoutes.Storage;

namespace Crossroads.ServiceRoutes.Sqlite;

/// <summary>SQLite's stored forms (see <see cref="SqliteSchema"/>): microseconds since the epoch, UUID text, 0/1.</summary>
internal sealed class SqliteRows : StoreRows
{
    public static SqliteRows Instance { get; } = new();

    protected override DateTimeOffset GetTime(DbDataReader reader, int ordinal) => Timestamps.FromUnixMicroseconds(reader.GetInt64(ordinal));

    protected override Guid GetGuid(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal));

    protected override bool GetBoolean(DbDataReader reader, int ordinal) => reader.GetInt64(ordinal) != 0;
}
