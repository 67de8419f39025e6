using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>A split change decided inside a write batch, with its revision: the split row, its audit row and outbox message.</summary>
internal sealed class PendingSplitChange
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public PendingSplitChange(WriteRequest request, WeightedSplit? current, DateTimeOffset now, long revision)
    {
        var key = request.SplitKey;
        Deletes = request.Kind == WriteKind.DeleteSplit;
        Creates = current is null;
        Split = Deletes ? null : new WeightedSplit(key, request.Weights!, revision, current?.CreatedAt ?? now, now);
        Event = new SplitAuditEvent(
            Guid.CreateVersion7(now), revision, key, Deletes ? SplitActions.Deleted : SplitActions.Set,
            Split?.Weights, current?.Weights, request.Actor, request.CorrelationId, now);
        var status = Deletes ? SplitWriteStatus.Deleted : Creates ? SplitWriteStatus.Created : SplitWriteStatus.Updated;
        Result = new SplitWriteResult(status, Split, Event, []);
        Payload = BuildPayload(Event);
    }

    /// <summary>Whether the split row is deleted.</summary>
    public bool Deletes { get; }

    /// <summary>Whether the split row is inserted (it did not exist before).</summary>
    public bool Creates { get; }

    /// <summary>The split after the change; null when deleted.</summary>
    public WeightedSplit? Split { get; }

    public SplitAuditEvent Event { get; }

    public SplitWriteResult Result { get; }

    /// <summary>
    /// The outbox message: <c>event_id, event_type ("split_changed"), action, tenant, service, env, weights, occurred_at,
    /// correlation_id, revision, previous_weights, changed_by</c>; weights are JSON objects or null.
    /// </summary>
    public string Payload { get; }

    private static string BuildPayload(SplitAuditEvent e)
    {
        var json = new StringBuilder(384).Append('{');
        Field(json, "event_id", e.EventId.ToString("D")).Append(',');
        Field(json, "event_type", "split_changed").Append(',');
        Field(json, "action", e.Action).Append(',');
        Field(json, "tenant", e.Key.Tenant).Append(',');
        Field(json, "service", e.Key.Service).Append(',');
        Field(json, "env", e.Key.Env).Append(',');
        json.Append("\"weights\":").Append(e.Weights?.ToJson() ?? "null").Append(',');
        Field(json, "occurred_at", Timestamps.Format(e.OccurredAt)).Append(',');
        Field(json, "correlation_id", e.CorrelationId).Append(',');
        json.Append("\"revision\":").Append(e.Revision.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"previous_weights\":").Append(e.PreviousWeights?.ToJson() ?? "null").Append(',');
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
