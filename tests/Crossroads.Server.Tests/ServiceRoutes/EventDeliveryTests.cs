using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests.ServiceRoutes;

/// <summary>Route changes reach a real RabbitMQ through the transactional outbox, also across a broker outage and a SIGKILL.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class EventDeliveryTests(PostgresServer postgres)
{
    [BrokerAndDatabaseFact]
    public async Task Every_accepted_write_reaches_the_broker_in_order_with_traffic_managers_fields()
    {
        await using var broker = await RabbitMqServer.StartAsync();
        await using var queue = await BrokerQueue.DeclareAsync(broker.Uri);
        string database = await postgres.CreateDatabaseAsync();
        await using var server = await ServiceRoutesServer.StartPostgresAsync(database, "--ServiceRoutes:Events:RabbitMq:Uri=" + broker.Uri);

        var created = await Tm.UpsertAsync(server.Writer, "acme", "billing", "prod", "v1", "http://b1", ("X-Correlation-ID", "deploy-7"));
        await Tm.UpsertAsync(server.Writer, "acme", "billing", "prod", "v1", "http://b2");
        await Tm.DeactivateAsync(server.Writer, "acme", "billing", "prod", "v1");

        var messages = await queue.ReadAsync(3, TimeSpan.FromSeconds(20));
        Assert.Equal(3, messages.Count);
        Assert.Equal(["created", "updated", "deactivated"], messages.Select(static m => m.Body.GetProperty("action").GetString()));
        var first = messages[0].Body;
        Assert.Equal("route_changed", first.GetProperty("event_type").GetString());
        Assert.Equal(first.GetProperty("event_id").GetString(), messages[0].MessageId);
        Assert.Equal(created.Long("revision"), first.GetProperty("revision").GetInt64());
        Assert.Equal("deploy-7", first.GetProperty("correlation_id").GetString());
        Assert.Equal(ServiceRoutesServer.KeyName, first.GetProperty("changed_by").GetString());
        Assert.Equal("http://b1", messages[1].Body.GetProperty("previous_url").GetString());
        foreach (string member in new[] { "tenant", "service", "env", "version", "url", "occurred_at" })
        {
            Assert.True(first.TryGetProperty(member, out _), $"event lacks {member}: {first}");
        }

        // The audit event and the message are the same change.
        var audit = await Tm.GetAsync(server.Client, "/api/v1/audit/route?tenant=acme&service=billing&env=prod&version=v1");
        Assert.Contains(audit.Json.GetProperty("events").EnumerateArray(), e => e.GetProperty("event_id").GetString() == messages[0].MessageId);
    }

    [BrokerAndDatabaseFact]
    public async Task A_write_answered_201_survives_kill_9_with_its_audit_and_its_event_is_delivered_after_restart()
    {
        await using var broker = await RabbitMqServer.StartAsync();
        string database = await postgres.CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Crossroads"] = database,
            ["ServiceRoutes__Events__RabbitMq__Uri"] = broker.Uri,
            ["ServiceRoutes__Events__RetryDelay"] = "00:00:00.200",
            ["ServiceRoutes__Events__MaxRetryDelay"] = "00:00:01",
        };

        // The broker is down: the event can only wait in the outbox when the server dies.
        await broker.StopAsync();
        string eventId;
        await using (var first = ChildServer.StartBundled(environment))
        {
            await first.WaitUntilReadyAsync();
            var created = await Tm.UpsertAsync(first.Client, "acme", "billing", "prod", "v1", "http://survivor");
            Assert.Equal(201, created.Code);
            await first.KillAsync();
        }

        await broker.StartAgainAsync();
        await using var queue = await BrokerQueue.DeclareAsync(broker.Uri);
        await using var second = ChildServer.StartBundled(environment);
        await second.WaitUntilReadyAsync();
        Assert.Equal("http://survivor", (await Tm.ResolveAsync(second.Client, "acme", "billing", "prod", "v1")).Str("url"));
        var audit = await Tm.GetAsync(second.Client, "/api/v1/audit/route?tenant=acme&service=billing&env=prod&version=v1");
        Assert.Equal(1, audit.Json.GetProperty("count").GetInt32());
        eventId = audit.Json.GetProperty("events")[0].GetProperty("event_id").GetString()!;

        var messages = await queue.ReadAsync(1, TimeSpan.FromSeconds(30));
        Assert.Single(messages);
        Assert.Equal(eventId, messages[0].MessageId);
        Assert.Equal("http://survivor", messages[0].Body.GetProperty("url").GetString());
    }
}
