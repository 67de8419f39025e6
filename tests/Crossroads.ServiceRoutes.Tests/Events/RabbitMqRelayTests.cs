using Crossroads.ServiceRoutes.Events;
using Npgsql;

namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>The relay against a real broker: SQLite and PostgreSQL stores, a broker crash, several relays on one database.</summary>
[Collection(EventsCollection.Name)]
public sealed class RabbitMqRelayTests(RabbitMqServer broker, PostgresServer postgres)
{
    [RabbitMqFact]
    public async Task Sqlite_EveryEventReachesTheConsumerOnce_InRevisionOrder_WithItsEventIdAsMessageId()
    {
        using var directory = new TempDirectory();
        await using var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { DataDirectory = directory.Path });
        await using var consumer = await EventConsumer.StartAsync(broker.Uri);
        var options = RunningRelay.FastOptions();
        options.RabbitMq.Uri = broker.Uri;
        await using var running = new RunningRelay(OutboxRelay.Create(store, new ServiceRouteStoreOptions { DataDirectory = directory.Path }, options));

        await EventTestData.WriteAsync(store, 20);
        running.Relay.Wake();
        // Concurrent writers too: revision order is commit order, whatever order the writes were issued in.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => EventTestData.WriteAsync(store, 5, tenant: $"t{w}")));
        running.Relay.Wake();

        var committed = await EventTestData.CommittedAsync(store);
        Assert.Equal(40, committed.Count);
        await Eventually.HoldsAsync(() => consumer.Received.Count >= committed.Count, () => $"{consumer.Received.Count} of {committed.Count} received; relay {running.Relay.Status}");
        await Task.Delay(300); // nothing more may come

        var received = consumer.Received;
        Assert.Equal(committed.Select(c => c.EventId), received.Select(r => r.EventId)); // once each, in revision order
        Assert.All(received, r =>
        {
            Assert.Equal(r.EventId.ToString("D"), r.MessageId);
            Assert.Equal("application/json", r.Properties["content-type"]);
            Assert.Equal("True", r.Properties["persistent"]);
            Assert.Equal(r.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Properties["x-revision"]);
        });
        Assert.Equal("route.created", received[0].RoutingKey);
        Assert.Equal("route_changed", received[0].Properties["type"]);
        Assert.Contains(received, r => r.RoutingKey == "route.updated");
        Assert.Contains(received, r => r.RoutingKey == "route.deactivated");
        var split = Assert.Single(received, r => r.RoutingKey == "split.set" && r.Field("tenant") == "acme");
        Assert.Equal("split_changed", split.Properties["type"]);

        Assert.Empty(await store.ClaimUndeliveredAsync(100)); // all acknowledged in the store
        var status = running.Relay.Status;
        Assert.True(status.IsLeader);
        Assert.Equal(40, status.Delivered);
        Assert.Equal(40, status.LastDeliveredRevision);
        Assert.Equal(0, status.Failures);
    }

    [BrokerAndDatabaseFact]
    public async Task Postgres_EveryEventReachesTheConsumerInRevisionOrder()
    {
        var storeOptions = new ServiceRouteStoreOptions { ConnectionString = await postgres.CreateDatabaseAsync() };
        await using var store = await ServiceRouteStore.OpenAsync(storeOptions);
        await using var consumer = await EventConsumer.StartAsync(broker.Uri);
        var options = RunningRelay.FastOptions();
        options.RabbitMq.Uri = broker.Uri;
        await using var running = new RunningRelay(OutboxRelay.Create(store, storeOptions, options));

        await Task.WhenAll(Enumerable.Range(0, 3).Select(w => EventTestData.WriteAsync(store, 10, tenant: $"t{w}")));
        running.Relay.Wake();

        var committed = await EventTestData.CommittedAsync(store);
        await Eventually.HoldsAsync(() => consumer.Received.Count >= committed.Count, () => $"{consumer.Received.Count} of {committed.Count} received; relay {running.Relay.Status}");
        Assert.Equal(committed.Select(c => c.EventId), consumer.Received.Select(r => r.EventId));
        Assert.True(running.Relay.Status.IsLeader);
    }

    [RabbitMqFact]
    public async Task BrokerDown_WritesStillCommit_RelayRetries_AndAfterTheRestartEveryEventArrivesInOrder()
    {
        await using var ownBroker = await RabbitMqServer.StartAsync();
        const string queue = "crossroads-test-durable";
        await EventConsumer.DeclareDurableQueueAsync(ownBroker.Uri, queue);
        using var directory = new TempDirectory();
        var storeOptions = new ServiceRouteStoreOptions { DataDirectory = directory.Path };
        await using var store = await ServiceRouteStore.OpenAsync(storeOptions);
        var options = RunningRelay.FastOptions();
        options.RabbitMq.Uri = ownBroker.Uri;
        // A restarted node may confirm publishes before it has recovered the queue's binding, and would drop them
        // unless a message no queue takes comes back as a failed delivery.
        options.RabbitMq.Mandatory = true;
        await using var running = new RunningRelay(OutboxRelay.Create(store, storeOptions, options));

        await EventTestData.WriteAsync(store, 6);
        running.Relay.Wake();
        await Eventually.HoldsAsync(() => running.Relay.Status.Delivered == 6, () => $"relay {running.Relay.Status}");

        await ownBroker.StopAsync();
        await EventTestData.WriteAsync(store, 14, start: 6); // the store does not depend on the broker
        running.Relay.Wake();
        await Eventually.HoldsAsync(() => running.Relay.Status.Failures >= 3, () => $"relay {running.Relay.Status}");
        var down = running.Relay.Status;
        Assert.Equal(6, down.Delivered);
        Assert.True(down.ConsecutiveFailures >= 3);
        Assert.NotNull(down.LastError);
        Assert.NotEmpty(await store.ClaimUndeliveredAsync(100, TimeSpan.FromMilliseconds(1))); // still waiting in the outbox

        await ownBroker.StartAgainAsync();
        // A consumer declares its queue and binding on every connect, as this one does here: a node killed right after
        // the binding was declared has come back without it (a clean-clone run: 312 NO_ROUTE for the 30 s it waited).
        // Until the binding is back the relay's publishes return as failed deliveries (Mandatory) and are retried: none
        // is confirmed and dropped.
        await EventConsumer.DeclareDurableQueueAsync(ownBroker.Uri, queue);
        await Eventually.HoldsAsync(() => running.Relay.Status.Delivered == 20, () => $"relay {running.Relay.Status}; broker log:\n{ownBroker.LogTail()}");
        Assert.Equal(0, running.Relay.Status.ConsecutiveFailures);

        // The durable queue kept the persistent messages across the restart: every event, first arrivals in revision order.
        await using var consumer = await EventConsumer.StartAsync(ownBroker.Uri, durableQueue: queue);
        var committed = await EventTestData.CommittedAsync(store);
        await Eventually.HoldsAsync(() => EventTestData.FirstArrivals(consumer.Received).Count == 20, () => $"{consumer.Received.Count} received; relay {running.Relay.Status}; broker log:\n{ownBroker.LogTail()}");
        Assert.Equal(committed.Select(c => c.EventId), EventTestData.FirstArrivals(consumer.Received));
    }

    [RabbitMqFact]
    public async Task Mandatory_AnEventNoQueueTakes_IsAFailedDelivery_RetriedUntilAQueueIsBound()
    {
        string exchange = "crossroads-test-mandatory-" + Guid.NewGuid().ToString("N")[..8]; // no queue bound yet
        using var directory = new TempDirectory();
        var storeOptions = new ServiceRouteStoreOptions { DataDirectory = directory.Path };
        await using var store = await ServiceRouteStore.OpenAsync(storeOptions);
        var options = RunningRelay.FastOptions();
        options.RabbitMq.Uri = broker.Uri;
        options.RabbitMq.Exchange = exchange;
        options.RabbitMq.Mandatory = true;
        await using var running = new RunningRelay(OutboxRelay.Create(store, storeOptions, options));

        await EventTestData.WriteAsync(store, 5);
        running.Relay.Wake();
        await Eventually.HoldsAsync(() => running.Relay.Status.Failures >= 2, () => $"relay {running.Relay.Status}");
        var waiting = running.Relay.Status;
        Assert.Equal(0, waiting.Delivered);
        Assert.Contains("NO_ROUTE", waiting.LastError, StringComparison.Ordinal);
        Assert.Contains(exchange, waiting.LastError, StringComparison.Ordinal);

        await using var consumer = await EventConsumer.StartAsync(broker.Uri, exchange);
        var committed = await EventTestData.CommittedAsync(store);
        await Eventually.HoldsAsync(() => EventTestData.FirstArrivals(consumer.Received).Count == 5, () => $"{consumer.Received.Count} received; relay {running.Relay.Status}");
        Assert.Equal(committed.Select(c => c.EventId), EventTestData.FirstArrivals(consumer.Received));
        await Eventually.HoldsAsync(() => running.Relay.Status.Delivered == 5, () => $"relay {running.Relay.Status}");
        Assert.Equal(0, running.Relay.Status.ConsecutiveFailures);
    }

    [BrokerAndDatabaseFact]
    public async Task TwoRelaysOnOneDatabase_OnlyOneDeliversAtATime_AndTheOtherTakesOverWhenTheLeaderDies()
    {
        var storeOptions = new ServiceRouteStoreOptions { ConnectionString = await postgres.CreateDatabaseAsync() };
        await using var store = await ServiceRouteStore.OpenAsync(storeOptions);
        await using var consumer = await EventConsumer.StartAsync(broker.Uri);
        var log = new DeliveryLog();
        RunningRelay Start(string name)
        {
            var options = RunningRelay.FastOptions();
            var sink = new ProbeSink(name, new RabbitMqEventSink(new RabbitMqEventsOptions { Uri = broker.Uri }), log);
            return new RunningRelay(new OutboxRelay(store, [sink], options, new PostgresRelayLeadership(storeOptions.ConnectionString!), OutboxMaintenance.For(storeOptions)));
        }

        var a = Start("a");
        var b = Start("b");
        try
        {
            await Eventually.HoldsAsync(() => a.Relay.Status.IsLeader || b.Relay.Status.IsLeader, () => "no leader");
            await Task.Delay(500); // several leadership attempts of the other
            Assert.NotEqual(a.Relay.Status.IsLeader, b.Relay.Status.IsLeader);
            var (leader, follower) = a.Relay.Status.IsLeader ? (a, b) : (b, a);

            // Both relays woken by every write, as the server would on two replicas.
            for (int round = 0; round < 6; round++)
            {
                await EventTestData.WriteAsync(store, 5, tenant: $"r{round}");
                a.Relay.Wake();
                b.Relay.Wake();
            }

            await Eventually.HoldsAsync(() => leader.Relay.Status.Delivered == 30, () => $"leader {leader.Relay.Status}, follower {follower.Relay.Status}");
            Assert.Equal(0, follower.Relay.Status.Delivered);

            // The leader's database session ends (a network cut, a database failover): the lock goes with it, and the
            // next attempt of either relay (the old leader reconnects too) wins it.
            await TerminateLeaderSessionAsync(storeOptions.ConnectionString!);
            await EventTestData.WriteAsync(store, 10, tenant: "cut");
            a.Relay.Wake();
            b.Relay.Wake();
            await Eventually.HoldsAsync(() => leader.Relay.Status.Delivered + follower.Relay.Status.Delivered >= 40, () => $"a {a.Relay.Status}, b {b.Relay.Status}");

            // Now a leader stops for good (its replica shuts down or dies): the other takes over. (A deposed leader
            // notices at its next check, so wait until exactly one claims to lead.)
            await Eventually.HoldsAsync(() => a.Relay.Status.IsLeader != b.Relay.Status.IsLeader, () => $"a {a.Relay.Status}, b {b.Relay.Status}");
            var (stopping, remaining) = a.Relay.Status.IsLeader ? (a, b) : (b, a);
            Assert.False(remaining.Relay.Status.IsLeader);
            await stopping.DisposeAsync();
            await EventTestData.WriteAsync(store, 10, tenant: "after");
            remaining.Relay.Wake();
            await Eventually.HoldsAsync(() => remaining.Relay.Status.IsLeader, () => $"no takeover: {remaining.Relay.Status}");

            var committed = await EventTestData.CommittedAsync(store);
            Assert.Equal(50, committed.Count);
            await Eventually.HoldsAsync(
                () => EventTestData.FirstArrivals(consumer.Received).Count == committed.Count,
                () => $"{consumer.Received.Count} of {committed.Count} received; a {a.Relay.Status}, b {b.Relay.Status}");
            Assert.Equal(committed.Select(c => c.EventId), EventTestData.FirstArrivals(consumer.Received));
            Assert.Contains(log.Batches, batch => batch.Last == 50);
            Assert.Equal(0, log.Overlaps);
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [RabbitMqFact]
    public async Task ANewRelayFirstDeliversTheBatchADeadRelayHadClaimed()
    {
        using var directory = new TempDirectory();
        var storeOptions = new ServiceRouteStoreOptions { DataDirectory = directory.Path };
        await using var store = await ServiceRouteStore.OpenAsync(storeOptions);
        await EventTestData.WriteAsync(store, 12);
        // A relay claimed the first revisions and died before delivering them: their lease still runs for minutes.
        var orphaned = await store.ClaimUndeliveredAsync(5, TimeSpan.FromMinutes(10));
        Assert.Equal(5, orphaned.Count);

        await using var consumer = await EventConsumer.StartAsync(broker.Uri);
        var options = RunningRelay.FastOptions();
        options.RabbitMq.Uri = broker.Uri;
        await using var running = new RunningRelay(OutboxRelay.Create(store, storeOptions, options));

        var committed = await EventTestData.CommittedAsync(store);
        await Eventually.HoldsAsync(() => consumer.Received.Count >= 12, () => $"{consumer.Received.Count} received; relay {running.Relay.Status}");
        Assert.Equal(committed.Select(c => c.EventId), consumer.Received.Select(r => r.EventId));
    }

    private static async Task TerminateLeaderSessionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Session-level advisory locks with one bigint key show the high half in classid, the low half in objid.
        await using var command = new NpgsqlCommand("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = (long)(PostgresRelayLeadership.LockKey >> 32) });
        command.Parameters.Add(new NpgsqlParameter { Value = PostgresRelayLeadership.LockKey & 0xFFFFFFFF });
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }
}
