using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>Answer of a resolve: Traffic Manager's five fields, plus <c>source</c>/<c>stale</c> while the database is unreachable.</summary>
public sealed record ResolveResponse(
    string Tenant,
    string Service,
    string Env,
    string Version,
    string Url,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Stale = null);

/// <summary>A route as writes and listings answer it (Traffic Manager's fields plus revision and timestamps).</summary>
public sealed record ServiceRouteResponse(
    string Tenant,
    string Service,
    string Env,
    string Version,
    string Url,
    bool IsActive,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A route's key, as audit answers carry it.</summary>
public sealed record RouteKeyResponse(string Tenant, string Service, string Env, string Version);

/// <summary>One audit event (Traffic Manager's fields, now filled, plus revision, state and correlation id).</summary>
public sealed record AuditEventResponse(
    Guid EventId,
    string Action,
    string Url,
    string? PreviousUrl,
    string? PreviousState,
    string State,
    string ChangedBy,
    string? CorrelationId,
    long Revision,
    DateTimeOffset OccurredAt,
    DateTimeOffset ProcessedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RouteKeyResponse? Route);

/// <summary><c>GET /api/v1/audit/route</c>.</summary>
public sealed record RouteAuditResponse(RouteKeyResponse Route, int Count, IReadOnlyList<AuditEventResponse> Events);

/// <summary><c>GET /api/v1/audit/recent</c>.</summary>
public sealed record RecentAuditResponse(int Days, int Count, IReadOnlyList<AuditEventResponse> Events);

/// <summary><c>GET /api/v1/audit/action</c>.</summary>
public sealed record ActionAuditResponse(string Action, int Hours, int Count, IReadOnlyList<AuditEventResponse> Events);

/// <summary><c>GET /api/v1/audit/time-range</c>.</summary>
public sealed record TimeRangeAuditResponse(DateTimeOffset StartTime, DateTimeOffset EndTime, int Count, IReadOnlyList<AuditEventResponse> Events);

/// <summary><c>GET /api/v1/routes</c>: one page.</summary>
public sealed record RouteListResponse(int Count, IReadOnlyList<ServiceRouteResponse> Routes, string? NextCursor);

/// <summary>A weighted split.</summary>
public sealed record SplitResponse(
    string Tenant,
    string Service,
    string Env,
    IReadOnlyDictionary<string, int> Weights,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Answer of a split deletion.</summary>
public sealed record SplitDeletedResponse(string Tenant, string Service, string Env, bool Deleted, long Revision);

/// <summary><c>GET /api/v1/events</c>: the events after <c>since</c> (the same JSON the broker and webhooks get).</summary>
public sealed record EventFeedResponse(long Since, long NextSince, long Revision, long OldestRetainedRevision, int Count, IReadOnlyList<JsonElement> Events);

/// <summary>Source-generated serialization for the module's answers: snake_case members, UTC timestamps with Z.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(ResolveResponse))]
[JsonSerializable(typeof(ServiceRouteResponse))]
[JsonSerializable(typeof(RouteAuditResponse))]
[JsonSerializable(typeof(RecentAuditResponse))]
[JsonSerializable(typeof(ActionAuditResponse))]
[JsonSerializable(typeof(TimeRangeAuditResponse))]
[JsonSerializable(typeof(RouteListResponse))]
[JsonSerializable(typeof(SplitResponse))]
[JsonSerializable(typeof(SplitDeletedResponse))]
[JsonSerializable(typeof(EventFeedResponse))]
[JsonSerializable(typeof(string[]))]
public sealed partial class ServiceRoutesJsonContext : JsonSerializerContext;
