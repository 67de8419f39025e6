using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// A change about to be committed: everything the route row, the audit row and the outbox message need except the
/// revision, which the provider takes from the counter inside the transaction.
/// </summary>
internal sealed class PendingChange
{
    // Relaxed escaping keeps '&' and '+' in URLs readable; the payload is a message body, never embedded in HTML.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public PendingChange(WriteRequest request, ServiceRoute? current, WriteDecision decision, DateTimeOffset now)
    {
        Key = request.Key;
        Current = current;
        Action = decision.Action;
        Url = decision.Url;
        State = decision.State;
        ChangedBy = request.Actor;
        CorrelationId = request.CorrelationId;
        OccurredAt = now;
        // Version 7: time-ordered, so the unique index on event_id is appended to rather than split at random.
        EventId = Guid.CreateVersion7(now);
        (PayloadHead, PayloadTail) = BuildPayload();
    }

    public RouteKey Key { get; }

    public ServiceRoute? Current { get; }

    public bool Creates => Current is null;

    public string Action { get; }

    public string Url { get; }

    public RouteState State { get; }

    public string? PreviousUrl => Current?.Url;

    public RouteState? PreviousState => Current?.State;

    public string ChangedBy { get; }

    public string? CorrelationId { get; }

    public DateTimeOffset OccurredAt { get; }

    public DateTimeOffset CreatedAt => Current?.CreatedAt ?? OccurredAt;

    public Guid EventId { get; }

    /// <summary>
    /// The outbox JSON up to <c>"revision":</c> and from the comma after it. The revision is only known inside the
    /// transaction (PostgreSQL takes it and writes all rows in one statement), so the database splices it in with
    /// <c>head || revision || tail</c>; both providers store the very same text.
    /// </summary>
    public string PayloadHead { get; }

    /// <inheritdoc cref="PayloadHead"/>
    public string PayloadTail { get; }

    public string Payload(long revision) => PayloadHead + revision.ToString(CultureInfo.InvariantCulture) + PayloadTail;

    public static string StateName(RouteState state) => state == RouteState.Active ? "active" : "inactive";

    public static string? StateName(RouteState? state) => state is { } s ? StateName(s) : null;

    public static RouteState ParseState(string name) => name switch
    {
        "active" => RouteState.Active,
        "inactive" => RouteState.Inactive,
        _ => throw new InvalidDataException($"unknown route state '{name}' in the audit table"),
    };

    public RouteWriteResult Complete(long revision)
    {
        var route = new ServiceRoute(Key, Url, State, revision, CreatedAt, OccurredAt);
        var audit = new RouteAuditEvent(EventId, revision, Key, Action, Url, State, PreviousUrl, PreviousState, ChangedBy, CorrelationId, OccurredAt);
        var status = Action switch
        {
            AuditActions.Created => RouteWriteStatus.Created,
            AuditActions.Updated => RouteWriteStatus.Updated,
            AuditActions.Activated => RouteWriteStatus.Activated,
            _ => RouteWriteStatus.Deactivated,
        };
        return new RouteWriteResult(status, route, audit);
    }

    private (string Head, string Tail) BuildPayload()
    {
        var head = new StringBuilder(256 + Url.Length);
        head.Append('{');
        Field(head, "event_id", EventId.ToString("D")).Append(',');
        Field(head, "event_type", "route_changed").Append(',');
        Field(head, "action", Action).Append(',');
        Field(head, "tenant", Key.Tenant).Append(',');
        Field(head, "service", Key.Service).Append(',');
        Field(head, "env", Key.Env).Append(',');
        Field(head, "version", Key.Version).Append(',');
        Field(head, "url", Url).Append(',');
        Field(head, "occurred_at", Timestamps.Format(OccurredAt)).Append(',');
        Field(head, "correlation_id", CorrelationId).Append(',');
        head.Append("\"revision\":");

        var tail = new StringBuilder(64 + (PreviousUrl?.Length ?? 0));
        tail.Append(',');
        Field(tail, "previous_url", PreviousUrl).Append(',');
        Field(tail, "changed_by", ChangedBy);
        tail.Append('}');
        return (head.ToString(), tail.ToString());
    }

    private static StringBuilder Field(StringBuilder json, string name, string? value)
    {
        json.Append('"').Append(name).Append("\":");
        return value is null
            ? json.Append("null")
            : json.Append('"').Append(JsonEncodedText.Encode(value, Encoder).Value).Append('"');
    }
}
