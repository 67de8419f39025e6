using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Crossroads.ServiceRoutes.Changes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// What both providers share: argument validation, the write loop, the audit query shapes and paging. Providers
/// implement the <c>…CoreAsync</c> primitives with already validated arguments and translate their exceptions into
/// <see cref="StoreUnavailableException"/>.
/// </summary>
/// <remarks>
/// Writes go through one loop per store. It takes every write queued (up to the batch size), and the provider runs
/// them as one transaction: take the store-wide write lock (the revision counter's row, or SQLite's write lock), read
/// the counter and the routes, let <see cref="WritePlanner.PlanBatch"/> decide each write in order, write the changes,
/// commit. Because the lock is taken first, decisions rest on the committed state and no two writers can race; because
/// a batch shares one commit, throughput is not capped at one WAL flush per write.
/// </remarks>
internal abstract class RouteStoreBase : IServiceRouteStore
{
    public const int MaxDays = 3650;
    public const int MaxHours = 87_600;
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Every this many write batches (the first included), one also deletes expired idempotency keys: often enough
    /// that the table stays near a retention's worth of keys, rarely enough that the delete costs nothing noticeable.
    /// </summary>
    public const int KeyPurgeInterval = 500;

    private readonly Channel<QueuedWrite> _writes = Channel.CreateUnbounded<QueuedWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ChangeSignalHub _signals = new();
    private readonly int _maxWriteBatch;
    private readonly TimeSpan _keyRetention;
    private Task? _writerLoop;
    private long _batches;
    private int _disposed;

    protected RouteStoreBase(ServiceRouteStoreOptions options)
    {
        if (options.MaxWriteBatch is < 1 or > 1000)
        {
            throw new ArgumentException($"MaxWriteBatch must be between 1 and 1000, got {options.MaxWriteBatch}", nameof(options));
        }

        if (options.IdempotencyRetention <= TimeSpan.Zero || options.IdempotencyRetention > TimeSpan.FromDays(365))
        {
            throw new ArgumentException($"IdempotencyRetention must be more than zero and at most 365 days, got {options.IdempotencyRetention}", nameof(options));
        }

        Time = options.TimeProvider;
        Logger = options.Logger ?? NullLogger.Instance;
        _maxWriteBatch = options.MaxWriteBatch;
        _keyRetention = options.IdempotencyRetention;
    }

    public abstract string Provider { get; }

    public int SchemaVersion { get; protected set; }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    public Task<RouteWriteResult> UpsertAsync(RouteKey key, string url, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default) =>
        UpsertAsync(key, url, actor, correlationId, Conditional(expectedRevision), cancellationToken);

    public Task<RouteWriteResult> UpsertAsync(RouteKey key, string url, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>(RouteValidation.Validate(key, url));
        AddWriteErrors(errors, actor, correlationId, options);
        RouteValidation.ThrowIfAny(errors);
        return EnqueueAsync<RouteWriteResult>(Request(WriteKind.Upsert, key, url, actor, correlationId, options), cancellationToken);
    }

    public Task<RouteWriteResult> ActivateAsync(RouteKey key, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default) =>
        SetStateAsync(WriteKind.Activate, key, actor, correlationId, Conditional(expectedRevision), cancellationToken);

    public Task<RouteWriteResult> ActivateAsync(RouteKey key, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default) =>
        SetStateAsync(WriteKind.Activate, key, actor, correlationId, options, cancellationToken);

    public Task<RouteWriteResult> DeactivateAsync(RouteKey key, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default) =>
        SetStateAsync(WriteKind.Deactivate, key, actor, correlationId, Conditional(expectedRevision), cancellationToken);

    public Task<RouteWriteResult> DeactivateAsync(RouteKey key, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default) =>
        SetStateAsync(WriteKind.Deactivate, key, actor, correlationId, options, cancellationToken);

    public Task<ServiceRoute?> GetAsync(RouteKey key, CancellationToken cancellationToken = default)
    {
        RouteValidation.ThrowIfAny([.. RouteValidation.Validate(key)]);
        return GetCoreAsync(key, cancellationToken);
    }

    public async Task<RoutePage> ListAsync(RouteFilter? filter, int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        filter ??= RouteFilter.None;
        var errors = new List<ValidationError>(RouteValidation.Validate(filter));
        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit));
        RouteValidation.ThrowIfAny(errors);
        RouteKey? after = cursor is null ? null : ListCursor.Decode(cursor);

        // One row more than asked says whether a next page exists without a second query.
        var routes = await ListCoreAsync(filter, after, limit + 1, cancellationToken).ConfigureAwait(false);
        if (routes.Count <= limit)
        {
            return new RoutePage(routes, null);
        }

        routes.RemoveAt(routes.Count - 1);
        return new RoutePage(routes, ListCursor.Encode(routes[^1].Key));
    }

    public IAsyncEnumerable<ServiceRoute> LoadAllAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(StoreSql.LoadAllRoutes, Rows.Route, cancellationToken);

    public abstract Task<long> CurrentRevisionAsync(CancellationToken cancellationToken = default);

    public async Task<IReadOnlyList<StoreChange>> ChangesSinceAsync(long revision, int limit, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>();
        if (revision < 0)
        {
            errors.Add(new ValidationError("revision", $"must be 0 or more, got {revision}"));
        }

        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit, RouteValidation.MaxChangesLimit));
        RouteValidation.ThrowIfAny(errors);

        // Route and split events are two reads, so both stop at the counter read before them: every change up to it is
        // committed, so neither read can miss one that the other already shows. Each list is then complete up to its
        // own last revision and holds at most `limit` entries, so the lowest `limit` of the two skip nothing.
        long upTo = await CurrentRevisionAsync(cancellationToken).ConfigureAwait(false);
        if (upTo <= revision)
        {
            return [];
        }

        var routes = await QueryAuditCoreAsync(new AuditCriteria(null, RouteFilter.None, null, null, null, revision, Ascending: true, limit) { UpToRevision = upTo }, cancellationToken).ConfigureAwait(false);
        var splits = await QuerySplitAuditCoreAsync(null, revision, upTo, ascending: true, limit, cancellationToken).ConfigureAwait(false);
        if (splits.Count == 0)
        {
            return routes.Select(StoreChange.Of).ToList();
        }

        return routes.Select(StoreChange.Of).Concat(splits.Select(StoreChange.Of)).OrderBy(static c => c.Revision).Take(limit).ToList();
    }

    public Task<SplitWriteResult> PutSplitAsync(SplitKey key, IReadOnlyDictionary<string, int> weights, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default) =>
        PutSplitAsync(key, weights, actor, correlationId, Conditional(expectedRevision), cancellationToken);

    public Task<SplitWriteResult> PutSplitAsync(SplitKey key, IReadOnlyDictionary<string, int> weights, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>(RouteValidation.Validate(key));
        errors.AddRange(RouteValidation.CheckWeights(weights));
        AddWriteErrors(errors, actor, correlationId, options);
        RouteValidation.ThrowIfAny(errors);
        var request = Request(WriteKind.PutSplit, default, null, actor, correlationId, options) with { SplitKey = key, Weights = new SplitWeights(weights) };
        return EnqueueAsync<SplitWriteResult>(request, cancellationToken);
    }

    public Task<SplitWriteResult> DeleteSplitAsync(SplitKey key, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default) =>
        DeleteSplitAsync(key, actor, correlationId, Conditional(expectedRevision), cancellationToken);

    public Task<SplitWriteResult> DeleteSplitAsync(SplitKey key, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>(RouteValidation.Validate(key));
        AddWriteErrors(errors, actor, correlationId, options);
        RouteValidation.ThrowIfAny(errors);
        return EnqueueAsync<SplitWriteResult>(Request(WriteKind.DeleteSplit, default, null, actor, correlationId, options) with { SplitKey = key }, cancellationToken);
    }

    public Task<WeightedSplit?> GetSplitAsync(SplitKey key, CancellationToken cancellationToken = default)
    {
        RouteValidation.ThrowIfAny([.. RouteValidation.Validate(key)]);
        return GetSplitCoreAsync(key, cancellationToken);
    }

    public IAsyncEnumerable<WeightedSplit> LoadAllSplitsAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(StoreSql.LoadAllSplits, Rows.Split, cancellationToken);

    public Task<IReadOnlyList<SplitAuditEvent>> SplitAuditAsync(SplitKey key, int limit, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>(RouteValidation.Validate(key));
        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit));
        RouteValidation.ThrowIfAny(errors);
        return QuerySplitAuditCoreAsync(key, null, null, ascending: false, limit, cancellationToken);
    }

    public Task<IReadOnlyList<RouteAuditEvent>> AuditForRouteAsync(RouteKey key, int limit, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>(RouteValidation.Validate(key));
        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit));
        RouteValidation.ThrowIfAny(errors);
        return QueryAuditCoreAsync(new AuditCriteria(key, RouteFilter.None, null, null, null, null, Ascending: false, limit), cancellationToken);
    }

    public Task<IReadOnlyList<RouteAuditEvent>> RecentAuditAsync(int days, RouteFilter? filter, int limit, CancellationToken cancellationToken = default)
    {
        filter ??= RouteFilter.None;
        var errors = new List<ValidationError>(RouteValidation.Validate(filter));
        if (days is < 1 or > MaxDays)
        {
            errors.Add(new ValidationError("days", $"must be between 1 and {MaxDays}, got {days}"));
        }

        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit));
        RouteValidation.ThrowIfAny(errors);
        var since = Timestamps.Now(Time).AddDays(-days);
        return QueryAuditCoreAsync(new AuditCriteria(null, filter, since, null, null, null, Ascending: false, limit), cancellationToken);
    }

    public Task<IReadOnlyList<RouteAuditEvent>> AuditByActionAsync(string action, int hours, RouteFilter? filter, int limit, CancellationToken cancellationToken = default)
    {
        filter ??= RouteFilter.None;
        var errors = new List<ValidationError>(RouteValidation.Validate(filter));
        AddActionError(errors, action);
        if (hours is < 1 or > MaxHours)
        {
            errors.Add(new ValidationError("hours", $"must be between 1 and {MaxHours}, got {hours}"));
        }

        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit));
        RouteValidation.ThrowIfAny(errors);
        var since = Timestamps.Now(Time).AddHours(-hours);
        return QueryAuditCoreAsync(new AuditCriteria(null, filter, since, null, action, null, Ascending: false, limit), cancellationToken);
    }

    public Task<IReadOnlyList<RouteAuditEvent>> AuditBetweenAsync(DateTimeOffset start, DateTimeOffset end, string? action, RouteFilter? filter, int limit, CancellationToken cancellationToken = default)
    {
        filter ??= RouteFilter.None;
        var errors = new List<ValidationError>(RouteValidation.Validate(filter));
        if (action is not null)
        {
            AddActionError(errors, action);
        }

        if (start >= end)
        {
            errors.Add(new ValidationError("end", $"must be after start ({Timestamps.Format(start)}), got {Timestamps.Format(end)}"));
        }

        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit));
        RouteValidation.ThrowIfAny(errors);
        return QueryAuditCoreAsync(new AuditCriteria(null, filter, start.ToUniversalTime(), end.ToUniversalTime(), action, null, Ascending: false, limit), cancellationToken);
    }

    public Task<IReadOnlyList<OutboxMessage>> ClaimUndeliveredAsync(int limit, TimeSpan? lease = null, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>();
        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit));
        var leaseTime = lease ?? DefaultLease;
        if (leaseTime <= TimeSpan.Zero || leaseTime > TimeSpan.FromDays(1))
        {
            errors.Add(new ValidationError("lease", $"must be more than zero and at most a day, got {leaseTime}"));
        }

        RouteValidation.ThrowIfAny(errors);
        var now = Timestamps.Now(Time);
        return ClaimCoreAsync(limit, now, now + leaseTime, cancellationToken);
    }

    public Task<int> MarkDeliveredAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        return eventIds.Count == 0
            ? Task.FromResult(0)
            : MarkDeliveredCoreAsync([.. eventIds.Distinct()], Timestamps.Now(Time), cancellationToken);
    }

    public async Task<EventFeedPage> EventsSinceAsync(long since, int limit, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>();
        if (since < 0)
        {
            errors.Add(new ValidationError("since", $"must be 0 or more, got {since}"));
        }

        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit, RouteValidation.MaxChangesLimit));
        RouteValidation.ThrowIfAny(errors);

        var window = await ReadOutboxCoreAsync(since, limit, cancellationToken).ConfigureAwait(false);
        var events = window.Events;
        long current = Math.Max(window.CurrentRevision, events.Count > 0 ? events[^1].Revision : 0);
        long oldest = window.OldestRevision ?? current + 1;

        // The outbox is purged only as a prefix (PurgeDeliveredEventsAsync), so what it holds is gap-free: the history
        // after `since` is complete exactly when it starts at since + 1, or when nothing was committed after `since`.
        // Checked on the rows read (not on `oldest` alone), so a purge between the two reads cannot hide a gap.
        bool complete = events.Count > 0 ? events[0].Revision == since + 1 : since == current;
        if (!complete)
        {
            throw new EventHistoryGoneException(since, oldest, current);
        }

        return new EventFeedPage(events, oldest, current);
    }

    public Task<int> PurgeDeliveredEventsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        PurgeOutboxCoreAsync(olderThan.ToUniversalTime(), cancellationToken);

    public IServiceRouteChangeListener CreateChangeListener()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var remote = RemoteSignals;
        var listener = new ChangeListener(_signals, connected: remote is null);
        _signals.Add(listener);
        if (remote is not null)
        {
            listener.Start(remote);
        }

        return listener;
    }

    /// <summary>Lets queued writes finish, then closes the listeners and the provider.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writes.Writer.TryComplete();
        if (_writerLoop is not null)
        {
            await _writerLoop.ConfigureAwait(false);
        }

        await _signals.DisposeAllAsync().ConfigureAwait(false);
        await DisposeCoreAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The loop feeding a listener with the commits of other store instances (PostgreSQL's LISTEN), run until its
    /// token fires; null when local signals are all there is (SQLite: one node).
    /// </summary>
    protected virtual Func<ChangeListener, CancellationToken, Task>? RemoteSignals => null;

    /// <summary>The counter, the outbox's lowest revision and up to <paramref name="limit"/> outbox rows above <paramref name="since"/>, in that order.</summary>
    protected abstract Task<OutboxWindow> ReadOutboxCoreAsync(long since, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the outbox prefix of delivered messages that occurred before <paramref name="olderThan"/>: every row
    /// below the lowest one that is undelivered or newer, so the outbox never gets a hole.
    /// </summary>
    protected abstract Task<int> PurgeOutboxCoreAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);


    protected abstract ValueTask DisposeCoreAsync();

    /// <summary>How this provider's rows read.</summary>
    protected abstract StoreRows Rows { get; }

    /// <summary>Opens a connection for reading (outside the write loop).</summary>
    protected abstract Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="exception"/> is the provider's (connection, server, I/O) rather than a bug.</summary>
    protected abstract bool IsInfrastructure(Exception exception);

    /// <summary>The <see cref="StoreUnavailableException"/> for a provider failure.</summary>
    protected abstract StoreUnavailableException Unavailable(Exception exception);

    /// <summary>Runs one step, turning provider failures into <see cref="StoreUnavailableException"/>.</summary>
    protected async Task<T> Guard<T>(Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception e) when (IsInfrastructure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Runs one write batch as one transaction: take the store-wide write lock; read the revision counter and the rows
    /// of <paramref name="reads"/>; call <paramref name="plan"/> with them; write its changes, its idempotency keys and
    /// its key purge, set the counter to its revision (PostgreSQL: and notify it) when it has changes; commit (or roll
    /// back when it writes nothing). Throws <see cref="StoreUnavailableException"/> on failure.
    /// </summary>
    protected abstract Task ExecuteBatchAsync(BatchReads reads, BatchPlanner plan);

    /// <summary>
    /// Whether a failed batch failed on a statement the database refused (worth retrying its writes one by one) rather
    /// than on the connection, a timeout or the server (where every write would fail again, only later).
    /// </summary>
    protected abstract bool IsStatementFailure(Exception exception);

    protected abstract Task<WeightedSplit?> GetSplitCoreAsync(SplitKey key, CancellationToken cancellationToken);

    /// <summary>Split audit events: of one split or all, within a revision range or all, in either order.</summary>
    private async Task<IReadOnlyList<SplitAuditEvent>> QuerySplitAuditCoreAsync(SplitKey? key, long? afterRevision, long? upToRevision, bool ascending, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(SplitAuditSql(key, afterRevision, upToRevision, ascending, StoreSql.SplitAuditColumns), SplitAuditParameters(key, afterRevision, upToRevision, limit), Rows.SplitAudit, cancellationToken).ConfigureAwait(false);

    /// <summary>The split audit query's SQL for both providers.</summary>
    private static string SplitAuditSql(SplitKey? key, long? afterRevision, long? upToRevision, bool ascending, string columns)
    {
        var conditions = new List<string>();
        if (key is not null)
        {
            conditions.Add("tenant = @tenant AND service = @service AND env = @env");
        }

        if (afterRevision is not null)
        {
            conditions.Add("revision > @after");
        }

        if (upToRevision is not null)
        {
            conditions.Add("revision <= @up_to");
        }

        string where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return $"SELECT {columns} FROM split_audit{where} ORDER BY revision {(ascending ? "ASC" : "DESC")} LIMIT @limit";
    }

    private static IEnumerable<(string Name, object Value)> SplitAuditParameters(SplitKey? key, long? afterRevision, long? upToRevision, int limit)
    {
        if (key is { } k)
        {
            yield return ("tenant", k.Tenant);
            yield return ("service", k.Service);
            yield return ("env", k.Env);
        }

        if (afterRevision is { } after)
        {
            yield return ("after", after);
        }

        if (upToRevision is { } upTo)
        {
            yield return ("up_to", upTo);
        }

        yield return ("limit", limit);
    }

    /// <summary>
    /// Opens a new store: runs <paramref name="initialize"/> (migrations), then starts the write loop; disposes the
    /// store when that fails.
    /// </summary>
    protected static async Task<TStore> StartAsync<TStore>(TStore store, Func<TStore, CancellationToken, Task> initialize, CancellationToken cancellationToken)
        where TStore : RouteStoreBase
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            await initialize(store, cancellationToken).ConfigureAwait(false);
            store._writerLoop = Task.Run(store.RunWriterAsync);
            ServiceRoutesLog.StoreOpened(store.Logger, store.Provider, store.SchemaVersion);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Logs the migrations just applied, and warns when the database is newer than this build's <paramref name="known"/> ones.</summary>
    protected void ReportMigrations(IEnumerable<Migration> newlyApplied, IReadOnlyList<Migration> known)
    {
        foreach (var migration in newlyApplied)
        {
            ServiceRoutesLog.MigrationApplied(Logger, migration.Version, migration.Name, Provider);
        }

        int latest = known[^1].Version;
        if (SchemaVersion > latest)
        {
            ServiceRoutesLog.SchemaNewerThanBuild(Logger, SchemaVersion, latest);
        }
    }

    protected abstract Task<ServiceRoute?> GetCoreAsync(RouteKey key, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> routes after <paramref name="after"/> (exclusive) in key order.</summary>
    private Task<List<ServiceRoute>> ListCoreAsync(RouteFilter filter, RouteKey? after, int limit, CancellationToken cancellationToken) =>
        QueryAsync(ListSql(filter, after, StoreSql.RouteColumns), ListParameters(filter, after, limit), Rows.Route, cancellationToken);

    private async Task<IReadOnlyList<RouteAuditEvent>> QueryAuditCoreAsync(AuditCriteria criteria, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {StoreSql.AuditColumns} FROM route_audit{criteria.SqlTail()}", criteria.Parameters(), Rows.Audit, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A parameter value as the provider stores it (SQLite keeps times as microseconds); the shared queries pass
    /// strings, numbers and UTC <see cref="DateTimeOffset"/>s.
    /// </summary>
    protected virtual object ToParameterValue(object value) => value;

    /// <summary>Runs one query with named parameters and reads every row.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, IEnumerable<(string Name, object Value)> parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = sql;
                    foreach (var (name, value) in parameters)
                    {
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = name;
                        parameter.Value = ToParameterValue(value);
                        command.Parameters.Add(parameter);
                    }

                    var rows = new List<T>();
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            rows.Add(read(reader));
                        }
                    }

                    return rows;
                }
            }
        }
        catch (Exception e) when (IsInfrastructure(e))
        {
            throw Unavailable(e);
        }
    }

    protected abstract Task<IReadOnlyList<OutboxMessage>> ClaimCoreAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    protected abstract Task<int> MarkDeliveredCoreAsync(Guid[] eventIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The list query's SQL for both providers (<c>@name</c> parameters; row-value comparison for the keyset).</summary>
    private static string ListSql(RouteFilter filter, RouteKey? after, string columns)
    {
        var conditions = new List<string>();
        if (filter.Tenant is not null)
        {
            conditions.Add("tenant = @tenant");
        }

        if (filter.Service is not null)
        {
            conditions.Add("service = @service");
        }

        if (filter.Env is not null)
        {
            conditions.Add("env = @env");
        }

        if (after is not null)
        {
            conditions.Add("(tenant, service, env, version) > (@after_tenant, @after_service, @after_env, @after_version)");
        }

        string where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return $"SELECT {columns} FROM routes{where} ORDER BY tenant, service, env, version LIMIT @limit";
    }

    private static IEnumerable<(string Name, object Value)> ListParameters(RouteFilter filter, RouteKey? after, int limit)
    {
        if (filter.Tenant is not null)
        {
            yield return ("tenant", filter.Tenant);
        }

        if (filter.Service is not null)
        {
            yield return ("service", filter.Service);
        }

        if (filter.Env is not null)
        {
            yield return ("env", filter.Env);
        }

        if (after is { } key)
        {
            yield return ("after_tenant", key.Tenant);
            yield return ("after_service", key.Service);
            yield return ("after_env", key.Env);
            yield return ("after_version", key.Version);
        }

        yield return ("limit", limit);
    }


    /// <summary>
    /// Streams the rows of one statement: one statement reads one snapshot (PostgreSQL's statement snapshot, SQLite's
    /// WAL read transaction), and rows are handed over as they arrive, so memory stays flat however many there are.
    /// A try with a catch cannot hold a yield, hence the guarded steps.
    /// </summary>
    private async IAsyncEnumerable<T> StreamAsync<T>(string sql, Func<DbDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = await Guard(() => OpenReadConnectionAsync(cancellationToken)).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql;
                var reader = await Guard(() => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await Guard(() => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
                    {
                        yield return read(reader);
                    }
                }
            }
        }
    }

    private async Task<T> EnqueueAsync<T>(WriteRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Continuations run elsewhere: the writer loop must not run callers' code while it completes a batch.
        var write = new QueuedWrite(request, new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);
        return (T)await write.Completion.Task.ConfigureAwait(false);
    }

    private async Task RunWriterAsync()
    {
        var reader = _writes.Reader;
        var batch = new List<QueuedWrite>(_maxWriteBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Cancellation is honoured until a write joins a batch; after that it completes with its real outcome.
            while (batch.Count < _maxWriteBatch && reader.TryRead(out var write))
            {
                if (write.CancellationToken.IsCancellationRequested)
                {
                    write.Completion.TrySetCanceled(write.CancellationToken);
                }
                else
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                await RunBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task RunBatchAsync(List<QueuedWrite> batch)
    {
        BatchPlan? plan = null;
        bool purgeKeys = _batches++ % KeyPurgeInterval == 0;
        try
        {
            var requests = batch.ConvertAll(static w => w.Request);
            var reads = new BatchReads(WritePlanner.RouteKeysOf(requests), WritePlanner.SplitKeysOf(requests), WritePlanner.IdempotencyScopesOf(requests));
            await ExecuteBatchAsync(reads, state =>
            {
                var now = Timestamps.Now(Time);
                var keysValidFrom = now - _keyRetention;
                plan = WritePlanner.PlanBatch(requests, state.Revision, state.Routes, state.Splits, now, state.Keys, keysValidFrom) with
                {
                    PurgeKeysBefore = purgeKeys ? keysValidFrom : null,
                };
                return plan;
            }).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The loop must survive any failure: it belongs to the callers waiting on this batch.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ServiceRoutesLog.BatchFailed(Logger, e, batch.Count);
            if (batch.Count > 1 && IsStatementFailure(e))
            {
                // The database refused a statement (a constraint, a trigger) while the connection is fine: run each
                // write on its own, so only the write at fault fails, as if every write had its own transaction.
                foreach (var write in batch)
                {
                    await RunBatchAsync([write]).ConfigureAwait(false);
                }

                return;
            }

            foreach (var write in batch)
            {
                write.Completion.TrySetException(e);
            }

            return;
        }

        ServiceRoutesLog.BatchCommitted(Logger, batch.Count, plan!.Changes.Count + plan.SplitChanges.Count, plan.Revision);
        if (plan.HasChanges)
        {
            // Before the callers hear back, so a caller that writes and then waits for a signal always gets one.
            _signals.Publish(plan.Revision);
        }

        for (int i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(plan.Results[i]);
        }
    }

    private Task<RouteWriteResult> SetStateAsync(WriteKind kind, RouteKey key, string actor, string? correlationId, WriteOptions options, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>(RouteValidation.Validate(key));
        AddWriteErrors(errors, actor, correlationId, options);
        RouteValidation.ThrowIfAny(errors);
        return EnqueueAsync<RouteWriteResult>(Request(kind, key, null, actor, correlationId, options), cancellationToken);
    }

    private static WriteOptions Conditional(long? expectedRevision) =>
        expectedRevision is null ? WriteOptions.None : new WriteOptions { ExpectedRevision = expectedRevision };

    private static WriteRequest Request(WriteKind kind, RouteKey key, string? url, string actor, string? correlationId, WriteOptions options) =>
        new(kind, key, url, actor, correlationId, options.ExpectedRevision) { Idempotency = options.Idempotency };

    private static void AddWriteErrors(List<ValidationError> errors, string actor, string? correlationId, WriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RouteValidation.Add(errors, RouteValidation.CheckActor(actor));
        RouteValidation.Add(errors, RouteValidation.CheckCorrelationId(correlationId));
        if (options.ExpectedRevision is < 0)
        {
            errors.Add(new ValidationError("expected_revision", $"must be 0 or more, got {options.ExpectedRevision}"));
        }

        errors.AddRange(RouteValidation.Validate(options.Idempotency));
    }

    private static void AddActionError(List<ValidationError> errors, string? action)
    {
        if (!AuditActions.IsKnown(action))
        {
            errors.Add(new ValidationError("action", $"must be one of {string.Join(", ", AuditActions.All)}, got {(action is null ? "null" : $"'{action}'")}"));
        }
    }
}
