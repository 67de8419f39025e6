using System.Data.Common;
using Crossroads.ServiceRoutes.Storage;

namespace Crossroads.ServiceRoutes.Postgres;

/// <summary>PostgreSQL's native <c>timestamptz</c>, <c>uuid</c> and <c>boolean</c>.</summary>
internal sealed class PostgresRows : StoreRows
{
    public static PostgresRows Instance { get; } = new();

    protected override DateTimeOffset GetTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    protected override Guid GetGuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    protected override bool GetBoolean(DbDataReader reader, int ordinal) => reader.GetBoolean(ordinal);
}
