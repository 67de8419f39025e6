using System.Data.Common;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// Reads the store's rows into domain values, for both providers: only how a time, a UUID and a boolean are stored
/// differs (PostgreSQL: native types; SQLite: microseconds, text, 0/1), so each provider supplies those three.
/// Column order is that of <see cref="StoreSql"/>'s lists.
/// </summary>
internal abstract class StoreRows
{
    public ServiceRoute Route(DbDataReader reader) => new(
        new RouteKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)),
        reader.GetString(4),
        GetBoolean(reader, 5) ? RouteState.Active : RouteState.Inactive,
        reader.GetInt64(6),
        GetTime(reader, 7),
        GetTime(reader, 8));

    public RouteAuditEvent Audit(DbDataReader reader) => new(
        GetGuid(reader, 1),
        reader.GetInt64(0),
        new RouteKey(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)),
        reader.GetString(6),
        reader.GetString(7),
        PendingChange.ParseState(reader.GetString(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : PendingChange.ParseState(reader.GetString(10)),
        reader.GetString(11),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        GetTime(reader, 13));

    public WeightedSplit Split(DbDataReader reader) => new(
        new SplitKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)),
        SplitWeights.FromJson(reader.GetString(3)),
        reader.GetInt64(4),
        GetTime(reader, 5),
        GetTime(reader, 6));

    public SplitAuditEvent SplitAudit(DbDataReader reader) => new(
        GetGuid(reader, 1),
        reader.GetInt64(0),
        new SplitKey(reader.GetString(2), reader.GetString(3), reader.GetString(4)),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : SplitWeights.FromJson(reader.GetString(6)),
        reader.IsDBNull(7) ? null : SplitWeights.FromJson(reader.GetString(7)),
        reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        GetTime(reader, 10));

    /// <summary>Columns <c>revision, event_id, payload, occurred_at, attempts</c>.</summary>
    public OutboxMessage Outbox(DbDataReader reader) =>
        new(GetGuid(reader, 1), reader.GetInt64(0), reader.GetString(2), GetTime(reader, 3), reader.GetInt32(4));

    /// <summary>Columns <see cref="StoreSql.FeedColumns"/>.</summary>
    public EventFeedEntry FeedEntry(DbDataReader reader) =>
        new(GetGuid(reader, 0), reader.GetInt64(1), reader.GetString(2), GetTime(reader, 3));

    /// <summary>Columns <c>fingerprint, kind, status, outcome, created_at</c> of the key <paramref name="scope"/>.</summary>
    public IdempotencyRecord Key(DbDataReader reader, IdempotencyScope scope) => new(
        scope,
        reader.GetString(0),
        IdempotencyOutcome.FromStored(reader.GetString(1), reader.GetString(2), reader.GetString(3)),
        GetTime(reader, 4));

    protected abstract DateTimeOffset GetTime(DbDataReader reader, int ordinal);

    protected abstract Guid GetGuid(DbDataReader reader, int ordinal);

    protected abstract bool GetBoolean(DbDataReader reader, int ordinal);
}
