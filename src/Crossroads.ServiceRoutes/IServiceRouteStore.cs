namespace Crossroads.ServiceRoutes;

/// <summary>
/// The service route store: routes, their audit trail, the change feed and the outbox, on PostgreSQL or SQLite with the
/// same semantics. Open one with <see cref="ServiceRouteStore.OpenAsync"/>; it is safe for concurrent use.
/// </summary>
/// <remarks>
/// <para>Each committed change gets the next store-wide <em>revision</em> (1, 2, 3, … without gaps, in commit order),
/// and in the same transaction the route (or split) row, one audit event and one outbox message are written. A write
/// that changes nothing (<see cref="RouteWriteStatus.Unchanged"/>, <see cref="RouteWriteStatus.NotFound"/>,
/// <see cref="RouteWriteStatus.RevisionMismatch"/>, …) takes no revision and writes nothing but its idempotency key,
/// when it has one (<see cref="WriteOptions.Idempotency"/>). Writes arriving together
/// may share one transaction (group commit, <see cref="ServiceRouteStoreOptions.MaxWriteBatch"/>): each is decided as
/// if it ran alone after the ones before it, and each stays atomic.</para>
/// <para>Route audit queries (<see cref="AuditForRouteAsync"/>, <see cref="RecentAuditAsync"/>, …) cover route changes;
/// split changes have <see cref="SplitAuditAsync"/>; <see cref="ChangesSinceAsync"/> and the outbox carry both.</para>
/// <para>Errors: invalid arguments throw <see cref="RouteValidationException"/> (nothing done); database failures throw
/// <see cref="StoreUnavailableException"/>; cancellation throws <see cref="OperationCanceledException"/> (a write
/// honours it until it joins a batch; after that it completes with its real outcome).</para>
/// </remarks>
public interface IServiceRouteStore : IAsyncDisposable
{
    /// <summary><c>postgresql</c> or <c>sqlite</c>.</summary>
    string Provider { get; }

    /// <summary>The highest schema migration applied (the version this build knows, or a newer one).</summary>
    int SchemaVersion { get; }

    /// <summary>
    /// Creates the route (action <c>created</c>) or sets its URL and activates it (action <c>updated</c>). Re-posting
    /// the URL of an active route is <see cref="RouteWriteStatus.Unchanged"/>. With <paramref name="expectedRevision"/>,
    /// the write happens only if the route's current revision equals it; 0 means "the route must not exist yet".
    /// </summary>
    Task<RouteWriteResult> UpsertAsync(RouteKey key, string url, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="UpsertAsync(RouteKey, string, string, string?, long?, CancellationToken)"/> with
    /// <paramref name="options"/>: an expected revision and/or an idempotency key (see <see cref="IdempotencyKey"/>:
    /// the key's first outcome, whatever it was, is stored with the write in one transaction and answered again to a
    /// retry, flagged <see cref="RouteWriteResult.Replayed"/>; another request under the key gets
    /// <see cref="RouteWriteStatus.IdempotencyConflict"/>).
    /// </summary>
    Task<RouteWriteResult> UpsertAsync(RouteKey key, string url, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Activates an inactive route (action <c>activated</c>); <see cref="RouteWriteStatus.Unchanged"/> when already
    /// active, <see cref="RouteWriteStatus.NotFound"/> when missing (whatever <paramref name="expectedRevision"/> says).
    /// </summary>
    Task<RouteWriteResult> ActivateAsync(RouteKey key, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default);

    /// <summary><see cref="ActivateAsync(RouteKey, string, string?, long?, CancellationToken)"/> with <paramref name="options"/> (as for <see cref="UpsertAsync(RouteKey, string, string, string?, WriteOptions, CancellationToken)"/>).</summary>
    Task<RouteWriteResult> ActivateAsync(RouteKey key, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deactivates an active route (action <c>deactivated</c>; the URL is kept); <see cref="RouteWriteStatus.Unchanged"/>
    /// when already inactive, <see cref="RouteWriteStatus.NotFound"/> when missing, <see cref="RouteWriteStatus.SplitConflict"/>
    /// when the version carries weight in its service's split.
    /// </summary>
    Task<RouteWriteResult> DeactivateAsync(RouteKey key, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default);

    /// <summary><see cref="DeactivateAsync(RouteKey, string, string?, long?, CancellationToken)"/> with <paramref name="options"/> (as for <see cref="UpsertAsync(RouteKey, string, string, string?, WriteOptions, CancellationToken)"/>).</summary>
    Task<RouteWriteResult> DeactivateAsync(RouteKey key, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>The route, active or not; null when it does not exist.</summary>
    Task<ServiceRoute?> GetAsync(RouteKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of routes (active and inactive) matching <paramref name="filter"/>, ordered by key; pass the previous
    /// page's <see cref="RoutePage.NextCursor"/> as <paramref name="cursor"/> for the next. <paramref name="limit"/>: 1..1000.
    /// Keyset paging: routes created or removed meanwhile never make a page repeat or skip a route that stays.
    /// </summary>
    Task<RoutePage> ListAsync(RouteFilter? filter, int limit, string? cursor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams every route (ordered by key) from one consistent snapshot, without holding them in memory. To warm a
    /// cache: read <see cref="CurrentRevisionAsync"/> first, load routes (and splits), then apply
    /// <see cref="ChangesSinceAsync"/> from that revision, skipping events whose revision is not above the item's.
    /// </summary>
    IAsyncEnumerable<ServiceRoute> LoadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>The revision of the last committed change (0 before the first).</summary>
    Task<long> CurrentRevisionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The changes (route and split) with a revision above <paramref name="revision"/>, in revision order, at most
    /// <paramref name="limit"/> (1..10000): the change feed for cache catch-up. Revisions are gap-free, so a consumer
    /// that applied up to N and receives N+1 first knows it missed nothing.
    /// </summary>
    Task<IReadOnlyList<StoreChange>> ChangesSinceAsync(long revision, int limit, CancellationToken cancellationToken = default);

    /// <summary>The audit events of one route, newest first; <paramref name="limit"/>: 1..1000.</summary>
    Task<IReadOnlyList<RouteAuditEvent>> AuditForRouteAsync(RouteKey key, int limit, CancellationToken cancellationToken = default);

    /// <summary>The audit events of the last <paramref name="days"/> days (1..3650), newest first, optionally filtered.</summary>
    Task<IReadOnlyList<RouteAuditEvent>> RecentAuditAsync(int days, RouteFilter? filter, int limit, CancellationToken cancellationToken = default);

    /// <summary>The audit events with <paramref name="action"/> of the last <paramref name="hours"/> hours (1..87600), newest first.</summary>
    Task<IReadOnlyList<RouteAuditEvent>> AuditByActionAsync(string action, int hours, RouteFilter? filter, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The audit events that occurred in [<paramref name="start"/>, <paramref name="end"/>) (compared in UTC; start
    /// before end), optionally of one action, newest first.
    /// </summary>
    Task<IReadOnlyList<RouteAuditEvent>> AuditBetweenAsync(DateTimeOffset start, DateTimeOffset end, string? action, RouteFilter? filter, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> (1..1000) undelivered outbox messages, lowest revision first, skipping
    /// those another claim holds: each claimed message is leased for <paramref name="lease"/> (default 30 s), after
    /// which an unacknowledged message can be claimed again. Delivery is at least once.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> ClaimUndeliveredAsync(int limit, TimeSpan? lease = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the weights of a split (action <c>split_set</c>): versions of routes under <paramref name="key"/>, each 1..100,
    /// summing to 100 (<see cref="RouteValidation.CheckWeights"/>); every version must have an active route, else
    /// <see cref="SplitWriteStatus.VersionsUnavailable"/>. The same weights again are <see cref="SplitWriteStatus.Unchanged"/>;
    /// <paramref name="expectedRevision"/> works as for routes (0: must not exist).
    /// </summary>
    Task<SplitWriteResult> PutSplitAsync(SplitKey key, IReadOnlyDictionary<string, int> weights, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default);

    /// <summary><see cref="PutSplitAsync(SplitKey, IReadOnlyDictionary{string, int}, string, string?, long?, CancellationToken)"/> with <paramref name="options"/> (as for <see cref="UpsertAsync(RouteKey, string, string, string?, WriteOptions, CancellationToken)"/>).</summary>
    Task<SplitWriteResult> PutSplitAsync(SplitKey key, IReadOnlyDictionary<string, int> weights, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>Deletes a split (action <c>split_deleted</c>); <see cref="SplitWriteStatus.NotFound"/> when there is none.</summary>
    Task<SplitWriteResult> DeleteSplitAsync(SplitKey key, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default);

    /// <summary><see cref="DeleteSplitAsync(SplitKey, string, string?, long?, CancellationToken)"/> with <paramref name="options"/> (as for <see cref="UpsertAsync(RouteKey, string, string, string?, WriteOptions, CancellationToken)"/>).</summary>
    Task<SplitWriteResult> DeleteSplitAsync(SplitKey key, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>The split, or null when there is none.</summary>
    Task<WeightedSplit?> GetSplitAsync(SplitKey key, CancellationToken cancellationToken = default);

    /// <summary>Streams every split (ordered by key) from one consistent snapshot.</summary>
    IAsyncEnumerable<WeightedSplit> LoadAllSplitsAsync(CancellationToken cancellationToken = default);

    /// <summary>The audit events of one split, newest first; <paramref name="limit"/>: 1..1000.</summary>
    Task<IReadOnlyList<SplitAuditEvent>> SplitAuditAsync(SplitKey key, int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks messages delivered (they are never claimed again); returns how many were undelivered until now.</summary>
    Task<int> MarkDeliveredAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// The event feed: the outbox messages (the JSON the broker gets) with a revision above <paramref name="since"/>,
    /// in revision order without gaps, at most <paramref name="limit"/> (1..10000), with the oldest revision still
    /// held. It retains what the outbox retains (see <see cref="PurgeDeliveredEventsAsync"/>).
    /// </summary>
    /// <exception cref="EventHistoryGoneException">
    /// The events right after <paramref name="since"/> were purged (<paramref name="since"/> is below the oldest
    /// retained revision minus one), or <paramref name="since"/> is above the current revision.
    /// </exception>
    Task<EventFeedPage> EventsSinceAsync(long since, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes delivered outbox messages that occurred before <paramref name="olderThan"/>, never undelivered ones, and
    /// only from the oldest on (a delivered message newer than an undelivered one stays until that one is delivered
    /// and purged), so the event feed keeps no holes. Returns how many were deleted.
    /// </summary>
    Task<int> PurgeDeliveredEventsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts listening for committed changes (this instance's, and on PostgreSQL every replica's); see
    /// <see cref="IServiceRouteChangeListener"/>. Dispose the listener when done (disposing the store disposes it too).
    /// </summary>
    IServiceRouteChangeListener CreateChangeListener();
}
