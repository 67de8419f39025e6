using System.Text.Json;

namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>One event as a consumer or webhook receiver got it.</summary>
internal sealed record ReceivedEvent(string MessageId, string RoutingKey, string Body, IReadOnlyDictionary<string, string> Properties)
{
    public Guid EventId => Guid.Parse(Field("event_id"));

    public long Revision => JsonDocument.Parse(Body).RootElement.GetProperty("revision").GetInt64();

    public string Field(string name) => JsonDocument.Parse(Body).RootElement.GetProperty(name).GetString()!;
}
