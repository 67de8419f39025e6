using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// What both providers share: argument validation, the audit query shapes and paging. Providers implement the
/// <c>…CoreAsync</c> primitives with already validated arguments and translate their exceptions into
/// <see cref="StoreUnavailableException"/>.
/// </summary>
internal abstract class RouteStoreBase : IServiceRouteStore
{
    public const int MaxDays = 3650;
    public const int MaxHours = 87_600;
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    protected RouteStoreBase(TimeProvider time, ILogger? logger)
    {
        Time = time;
        Logger = logger ?? NullLogger.Instance;
    }

    public abstract string Provider { get; }

    public int SchemaVersion { get; protected set; }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    public Task<RouteWriteResult> UpsertAsync(RouteKey key, string url, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>(RouteValidation.Validate(key, url));
        AddWriteErrors(errors, actor, correlationId, expectedRevision);
        RouteValidation.ThrowIfAny(errors);
        return WriteCoreAsync(new WriteRequest(WriteKind.Upsert, key, url, actor, correlationId, expectedRevision), cancellationToken);
    }

    public Task<RouteWriteResult> ActivateAsync(RouteKey key, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default) =>
        SetStateAsync(WriteKind.Activate, key, actor, correlationId, expectedRevision, cancellationToken);

    public Task<RouteWriteResult> DeactivateAsync(RouteKey key, string actor, string? correlationId, long? expectedRevision = null, CancellationToken cancellationToken = default) =>
        SetStateAsync(WriteKind.Deactivate, key, actor, correlationId, expectedRevision, cancellationToken);

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

    public abstract IAsyncEnumerable<ServiceRoute> LoadAllAsync(CancellationToken cancellationToken = default);

    public abstract Task<long> CurrentRevisionAsync(CancellationToken cancellationToken = default);

    public Task<IReadOnlyList<RouteAuditEvent>> ChangesSinceAsync(long revision, int limit, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>();
        if (revision < 0)
        {
            errors.Add(new ValidationError("revision", $"must be 0 or more, got {revision}"));
        }

        RouteValidation.Add(errors, RouteValidation.CheckLimit(limit, RouteValidation.MaxChangesLimit));
        RouteValidation.ThrowIfAny(errors);
        return QueryAuditCoreAsync(new AuditCriteria(null, RouteFilter.None, null, null, null, revision, Ascending: true, limit), cancellationToken);
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

    public abstract ValueTask DisposeAsync();

    protected abstract Task<RouteWriteResult> WriteCoreAsync(WriteRequest request, CancellationToken cancellationToken);

    protected abstract Task<ServiceRoute?> GetCoreAsync(RouteKey key, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> routes after <paramref name="after"/> (exclusive) in key order.</summary>
    protected abstract Task<List<ServiceRoute>> ListCoreAsync(RouteFilter filter, RouteKey? after, int limit, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<RouteAuditEvent>> QueryAuditCoreAsync(AuditCriteria criteria, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<OutboxMessage>> ClaimCoreAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    protected abstract Task<int> MarkDeliveredCoreAsync(Guid[] eventIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The list query's SQL for both providers (<c>@name</c> parameters; row-value comparison for the keyset).</summary>
    protected static string ListSql(RouteFilter filter, RouteKey? after, string columns)
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

    protected static IEnumerable<(string Name, object Value)> ListParameters(RouteFilter filter, RouteKey? after, int limit)
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

    protected void LogOpened() => ServiceRoutesLog.StoreOpened(Logger, Provider, SchemaVersion);

    private Task<RouteWriteResult> SetStateAsync(WriteKind kind, RouteKey key, string actor, string? correlationId, long? expectedRevision, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>(RouteValidation.Validate(key));
        AddWriteErrors(errors, actor, correlationId, expectedRevision);
        RouteValidation.ThrowIfAny(errors);
        return WriteCoreAsync(new WriteRequest(kind, key, null, actor, correlationId, expectedRevision), cancellationToken);
    }

    private static void AddWriteErrors(List<ValidationError> errors, string actor, string? correlationId, long? expectedRevision)
    {
        RouteValidation.Add(errors, RouteValidation.CheckActor(actor));
        RouteValidation.Add(errors, RouteValidation.CheckCorrelationId(correlationId));
        if (expectedRevision is < 0)
        {
            errors.Add(new ValidationError("expected_revision", $"must be 0 or more, got {expectedRevision}"));
        }
    }

    private static void AddActionError(List<ValidationError> errors, string? action)
    {
        if (!AuditActions.IsKnown(action))
        {
            errors.Add(new ValidationError("action", $"must be one of {string.Join(", ", AuditActions.All)}, got {(action is null ? "null" : $"'{action}'")}"));
        }
    }
}
