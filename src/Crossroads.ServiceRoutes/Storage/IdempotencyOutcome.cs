using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// The stored form of a write's outcome under an idempotency key, the same on both providers: a kind
/// (<c>route</c>/<c>split</c>), the status name and a JSON snapshot of what was answered (the route or split and the
/// audit event), so a replay answers exactly as the first write did even after the route changed since.
/// </summary>
internal static class IdempotencyOutcome
{
    public const string RouteKind = "route";
    public const string SplitKind = "split";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static string KindOf(object result) => result is SplitWriteResult ? SplitKind : RouteKind;

    public static string StatusOf(object result) => result switch
    {
        RouteWriteResult r => r.Status.ToString(),
        SplitWriteResult s => s.Status.ToString(),
        _ => throw new ArgumentException($"not a write result: {result.GetType()}", nameof(result)),
    };

    public static string ToJson(object result)
    {
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (result is RouteWriteResult route)
            {
                json.WritePropertyName("route");
                WriteRoute(json, route.Route);
                json.WritePropertyName("event");
                WriteRouteEvent(json, route.Event);
            }
            else
            {
                var split = (SplitWriteResult)result;
                json.WritePropertyName("split");
                WriteSplit(json, split.Split);
                json.WritePropertyName("event");
                WriteSplitEvent(json, split.Event);
                json.WriteStartArray("unavailable_versions");
                foreach (string version in split.UnavailableVersions)
                {
                    json.WriteStringValue(version);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The outcome stored as <paramref name="kind"/>, <paramref name="status"/> and <paramref name="json"/>.</summary>
    public static object FromStored(string kind, string status, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (kind == SplitKind)
        {
            return new SplitWriteResult(
                Enum.Parse<SplitWriteStatus>(status),
                ReadSplit(root.GetProperty("split")),
                ReadSplitEvent(root.GetProperty("event")),
                [.. root.GetProperty("unavailable_versions").EnumerateArray().Select(static v => v.GetString()!)]);
        }

        return new RouteWriteResult(Enum.Parse<RouteWriteStatus>(status), ReadRoute(root.GetProperty("route")), ReadRouteEvent(root.GetProperty("event")));
    }

    private static void WriteRoute(Utf8JsonWriter json, ServiceRoute? route)
    {
        if (route is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        WriteKey(json, route.Key);
        json.WriteString("url", route.Url);
        json.WriteString("state", PendingChange.StateName(route.State));
        json.WriteNumber("revision", route.Revision);
        WriteTime(json, "created_at", route.CreatedAt);
        WriteTime(json, "updated_at", route.UpdatedAt);
        json.WriteEndObject();
    }

    private static ServiceRoute? ReadRoute(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : new ServiceRoute(
        ReadKey(e),
        e.GetProperty("url").GetString()!,
        PendingChange.ParseState(e.GetProperty("state").GetString()!),
        e.GetProperty("revision").GetInt64(),
        ReadTime(e, "created_at"),
        ReadTime(e, "updated_at"));

    private static void WriteRouteEvent(Utf8JsonWriter json, RouteAuditEvent? e)
    {
        if (e is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        json.WriteString("event_id", e.EventId);
        json.WriteNumber("revision", e.Revision);
        WriteKey(json, e.Key);
        json.WriteString("action", e.Action);
        json.WriteString("url", e.Url);
        json.WriteString("state", PendingChange.StateName(e.State));
        json.WriteString("previous_url", e.PreviousUrl);
        json.WriteString("previous_state", PendingChange.StateName(e.PreviousState));
        json.WriteString("changed_by", e.ChangedBy);
        json.WriteString("correlation_id", e.CorrelationId);
        WriteTime(json, "occurred_at", e.OccurredAt);
        json.WriteEndObject();
    }

    private static RouteAuditEvent? ReadRouteEvent(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : new RouteAuditEvent(
        e.GetProperty("event_id").GetGuid(),
        e.GetProperty("revision").GetInt64(),
        ReadKey(e),
        e.GetProperty("action").GetString()!,
        e.GetProperty("url").GetString()!,
        PendingChange.ParseState(e.GetProperty("state").GetString()!),
        e.GetProperty("previous_url").GetString(),
        e.GetProperty("previous_state").GetString() is { } previous ? PendingChange.ParseState(previous) : null,
        e.GetProperty("changed_by").GetString()!,
        e.GetProperty("correlation_id").GetString(),
        ReadTime(e, "occurred_at"));

    private static void WriteSplit(Utf8JsonWriter json, WeightedSplit? split)
    {
        if (split is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        WriteKey(json, split.Key);
        WriteWeights(json, "weights", split.Weights);
        json.WriteNumber("revision", split.Revision);
        WriteTime(json, "created_at", split.CreatedAt);
        WriteTime(json, "updated_at", split.UpdatedAt);
        json.WriteEndObject();
    }

    private static WeightedSplit? ReadSplit(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : new WeightedSplit(
        ReadSplitKey(e),
        ReadWeights(e.GetProperty("weights"))!,
        e.GetProperty("revision").GetInt64(),
        ReadTime(e, "created_at"),
        ReadTime(e, "updated_at"));

    private static void WriteSplitEvent(Utf8JsonWriter json, SplitAuditEvent? e)
    {
        if (e is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        json.WriteString("event_id", e.EventId);
        json.WriteNumber("revision", e.Revision);
        WriteKey(json, e.Key);
        json.WriteString("action", e.Action);
        WriteWeights(json, "weights", e.Weights);
        WriteWeights(json, "previous_weights", e.PreviousWeights);
        json.WriteString("changed_by", e.ChangedBy);
        json.WriteString("correlation_id", e.CorrelationId);
        WriteTime(json, "occurred_at", e.OccurredAt);
        json.WriteEndObject();
    }

    private static SplitAuditEvent? ReadSplitEvent(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : new SplitAuditEvent(
        e.GetProperty("event_id").GetGuid(),
        e.GetProperty("revision").GetInt64(),
        ReadSplitKey(e),
        e.GetProperty("action").GetString()!,
        ReadWeights(e.GetProperty("weights")),
        ReadWeights(e.GetProperty("previous_weights")),
        e.GetProperty("changed_by").GetString()!,
        e.GetProperty("correlation_id").GetString(),
        ReadTime(e, "occurred_at"));

    private static void WriteKey(Utf8JsonWriter json, RouteKey key)
    {
        WriteKey(json, new SplitKey(key.Tenant, key.Service, key.Env));
        json.WriteString("version", key.Version);
    }

    private static void WriteKey(Utf8JsonWriter json, SplitKey key)
    {
        json.WriteString("tenant", key.Tenant);
        json.WriteString("service", key.Service);
        json.WriteString("env", key.Env);
    }

    private static RouteKey ReadKey(JsonElement e) => ReadSplitKey(e).Route(e.GetProperty("version").GetString()!);

    private static SplitKey ReadSplitKey(JsonElement e) =>
        new(e.GetProperty("tenant").GetString()!, e.GetProperty("service").GetString()!, e.GetProperty("env").GetString()!);

    private static void WriteWeights(Utf8JsonWriter json, string name, SplitWeights? weights)
    {
        json.WritePropertyName(name);
        if (weights is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        foreach (var (version, weight) in weights)
        {
            json.WriteNumber(version, weight);
        }

        json.WriteEndObject();
    }

    private static SplitWeights? ReadWeights(JsonElement e) => e.ValueKind == JsonValueKind.Null
        ? null
        : new SplitWeights(e.EnumerateObject().Select(static p => KeyValuePair.Create(p.Name, p.Value.GetInt32())));

    // Microsecond precision, as both stores keep times: the replayed values equal the first answer's.
    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset value) => json.WriteString(name, Timestamps.Format(value));

    private static DateTimeOffset ReadTime(JsonElement e, string name) =>
        DateTimeOffset.ParseExact(e.GetProperty(name).GetString()!, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
