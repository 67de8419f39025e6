using System.Text.Json;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>What a sink needs from a payload besides its bytes: the RabbitMQ routing key and the message type.</summary>
internal static class EventRouting
{
    /// <summary>
    /// <c>route.&lt;action&gt;</c> for route changes, <c>split.set</c> / <c>split.deleted</c> for split changes (their
    /// actions' <c>split_</c> prefix would only repeat the first word). Topic bindings such as <c>route.*</c> or
    /// <c>#</c> select them.
    /// </summary>
    public static string RoutingKey(ReadOnlySpan<byte> payload)
    {
        var (eventType, action) = Read(payload);
        action ??= "unknown";
        return eventType == "split_changed"
            ? "split." + (action.StartsWith("split_", StringComparison.Ordinal) ? action["split_".Length..] : action)
            : "route." + action;
    }

    /// <summary>The payload's <c>event_type</c> (<c>route_changed</c> or <c>split_changed</c>).</summary>
    public static string EventType(ReadOnlySpan<byte> payload) => Read(payload).EventType ?? "unknown";

    // Reads only the top-level fields it needs; both come first in the payload, so this stops early.
    private static (string? EventType, string? Action) Read(ReadOnlySpan<byte> payload)
    {
        string? eventType = null, action = null;
        var reader = new Utf8JsonReader(payload);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && (eventType is null || action is null))
            {
                bool isType = reader.ValueTextEquals("event_type"u8);
                bool isAction = !isType && reader.ValueTextEquals("action"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    eventType = reader.GetString();
                }
                else if (isAction && reader.TokenType == JsonTokenType.String)
                {
                    action = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // The store writes valid JSON; should a row be damaged, it is still published (under "unknown") rather
            // than blocking every later event behind it.
        }

        return (eventType, action);
    }
}
