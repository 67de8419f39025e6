using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// A change decided inside a write batch, with its revision: the route row, the audit row and the outbox message the
/// provider writes for it.
/// </summary>
internal sealed class PendingChange
{
    // Relaxed escaping keeps '&' and '+' in URLs readable; the payload is a message body, never embedded in HTML.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public PendingChange(WriteRequest request, ServiceRoute? current, WriteDecision decision, DateTimeOffset now, long revision)
    {
        Creates = current is null;
        Route = new ServiceRoute(request.Key, decision.Url, decision.State, revision, current?.CreatedAt ?? now, now);
        // Version 7: time-ordered, so the unique index on event_id is appended to rather than split at random.
        Event = new RouteAuditEvent(
            Guid.CreateVersion7(now), revision, request.Key, decision.Action, decision.Url, decision.State,
            current?.Url, current?.State, request.Actor, request.CorrelationId, now);
        var status = decision.Action switch
        {
            AuditActions.Created => RouteWriteStatus.Created,
            AuditActions.Updated => RouteWriteStatus.Updated,
            AuditActions.Activated => RouteWriteStatus.Activated,
            _ => RouteWriteStatus.Deactivated,
        };
        Result = new RouteWriteResult(status, Route, Event);
        Payload = BuildPayload(Event);
    }

    /// <summary>Whether the route row must be inserted (it did not exist before this change).</summary>
    public bool Creates { get; }

    /// <summary>The route row after the change.</summary>
    public ServiceRoute Route { get; }

    /// <summary>The audit row.</summary>
    public RouteAuditEvent Event { get; }

    /// <summary>What the caller is told.</summary>
    public RouteWriteResult Result { get; }

    /// <summary>The outbox message (see <see cref="OutboxMessage.Payload"/>).</summary>
    public string Payload { get; }

    public static string StateName(RouteState state) => state == RouteState.Active ? "active" : "inactive";

    public static string? StateName(RouteState? state) => state is { } s ? StateName(s) : null;

    public static RouteState ParseState(string name) => name switch
    {
        "active" => RouteState.Active,
        "inactive" => RouteState.Inactive,
        _ => throw new InvalidDataException($"unknown route state '{name}' in the audit table"),
    };

    private static string BuildPayload(RouteAuditEvent e)
    {
        // Written field by field rather than serialized from a type: the field order is part of the message format.
        var json = new StringBuilder(320 + e.Url.Length + (e.PreviousUrl?.Length ?? 0));
        json.Append('{');
        Field(json, "event_id", e.EventId.ToString("D")).Append(',');
        Field(json, "event_type", "route_changed").Append(',');
        Field(json, "action", e.Action).Append(',');
        Field(json, "tenant", e.Key.Tenant).Append(',');
        Field(json, "service", e.Key.Service).Append(',');
        Field(json, "env", e.Key.Env).Append(',');
        Field(json, "version", e.Key.Version).Append(',');
        Field(json, "url", e.Url).Append(',');
        Field(json, "occurred_at", Timestamps.Format(e.OccurredAt)).Append(',');
        Field(json, "correlation_id", e.CorrelationId).Append(',');
        json.Append("\"revision\":").Append(e.Revision.ToString(CultureInfo.InvariantCulture)).Append(',');
        Field(json, "previous_url", e.PreviousUrl).Append(',');
        Field(json, "changed_by", e.ChangedBy);
        return json.Append('}').ToString();
    }

    private static StringBuilder Field(StringBuilder json, string name, string? value)
    {
        json.Append('"').Append(name).Append("\":");
        return value is null
            ? json.Append("null")
            : json.Append('"').Append(JsonEncodedText.Encode(value, Encoder).Value).Append('"');
    }
}
