namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// The SQL text both providers share: the column lists (in the order <see cref="StoreRows"/> reads them), the key
/// conditions, and the statements that are the same on both (<c>@name</c> parameters, which both providers take).
/// </summary>
internal static class StoreSql
{
    public const string RouteColumns = "tenant, service, env, version, url, active, revision, created_at, updated_at";
    public const string AuditColumns = "revision, event_id, tenant, service, env, version, action, url, state, previous_url, previous_state, changed_by, correlation_id, occurred_at";
    public const string SplitColumns = "tenant, service, env, weights, revision, created_at, updated_at";
    public const string SplitAuditColumns = "revision, event_id, tenant, service, env, action, weights, previous_weights, changed_by, correlation_id, occurred_at";
    public const string KeyColumns = "actor, idempotency_key, fingerprint, kind, status, outcome, revision, created_at";

    /// <summary>The outbox columns of <see cref="StoreRows.FeedEntry"/>.</summary>
    public const string FeedColumns = "event_id, revision, payload, occurred_at";

    public const string RouteKeyCondition = "tenant = @tenant AND service = @service AND env = @env AND version = @version";
    public const string SplitKeyCondition = "tenant = @tenant AND service = @service AND env = @env";

    public const string CurrentRevision = "SELECT revision FROM revision_counter WHERE id = 1";
    public const string LoadAllRoutes = $"SELECT {RouteColumns} FROM routes ORDER BY tenant, service, env, version";
    public const string LoadAllSplits = $"SELECT {SplitColumns} FROM splits ORDER BY tenant, service, env";

    /// <summary>
    /// Appended to the insert of an idempotency key: a key row that exists already is an expired one (a live key is
    /// answered from, never written again), so it is replaced.
    /// </summary>
    public const string ReplaceExpiredKey = """
        ON CONFLICT (actor, idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint, kind = excluded.kind,
            status = excluded.status, outcome = excluded.outcome, revision = excluded.revision, created_at = excluded.created_at
        """;

    /// <summary>
    /// The outbox purge (<c>@cutoff</c>): the lowest revision to keep is the first undelivered or recent message;
    /// everything below it goes. Messages can be delivered out of order (leases), so "delivered and old" alone could
    /// delete revision 5 while keeping 4, and the feed would skip 5 silently.
    /// </summary>
    public const string PurgeOutbox = """
        DELETE FROM outbox WHERE revision < COALESCE(
            (SELECT min(revision) FROM outbox WHERE delivered_at IS NULL OR occurred_at >= @cutoff),
            (SELECT revision + 1 FROM revision_counter WHERE id = 1))
        """;
}
