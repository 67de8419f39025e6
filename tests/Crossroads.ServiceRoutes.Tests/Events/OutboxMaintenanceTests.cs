using Crossroads.ServiceRoutes.Events;

namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>Releasing a dead relay's claims and purging delivered messages, on both stores.</summary>
[Collection(EventsCollection.Name)]
public sealed class OutboxMaintenanceTests(PostgresServer postgres)
{
    [Fact]
    public async Task Sqlite_ReleasesClaimsAndPurgesOnlyDeliveredMessagesPastTheCutoff()
    {
        using var directory = new TempDirectory();
        await RunAsync(new ServiceRouteStoreOptions { DataDirectory = directory.Path });
    }

    [PostgresFact]
    public async Task Postgres_ReleasesClaimsAndPurgesOnlyDeliveredMessagesPastTheCutoff() =>
        await RunAsync(new ServiceRouteStoreOptions { ConnectionString = await postgres.CreateDatabaseAsync() });

    [Fact]
    public void RoutingKeysNameTheKindAndTheAction()
    {
        Assert.Equal("route.created", EventRouting.RoutingKey("""{"event_id":"1","event_type":"route_changed","action":"created"}"""u8));
        Assert.Equal("split.deleted", EventRouting.RoutingKey("""{"event_id":"1","event_type":"split_changed","action":"split_deleted","weights":null}"""u8));
        Assert.Equal("split_changed", EventRouting.EventType("""{"event_type":"split_changed"}"""u8));
        Assert.Equal("route.unknown", EventRouting.RoutingKey("not json"u8));
    }

    private static async Task RunAsync(ServiceRouteStoreOptions storeOptions)
    {
        await using var store = await ServiceRouteStore.OpenAsync(storeOptions);
        var maintenance = OutboxMaintenance.For(storeOptions);
        await EventTestData.WriteAsync(store, 10);

        var claimed = await store.ClaimUndeliveredAsync(4, TimeSpan.FromMinutes(10));
        Assert.Equal([1L, 2, 3, 4], claimed.Select(m => m.Revision));
        Assert.Equal(5, (await store.ClaimUndeliveredAsync(100, TimeSpan.FromMinutes(10)))[0].Revision); // 1–4 are leased

        Assert.Equal(10, await maintenance.ReleaseClaimsAsync(CancellationToken.None));
        var again = await store.ClaimUndeliveredAsync(3, TimeSpan.FromMinutes(10));
        Assert.Equal([1L, 2, 3], again.Select(m => m.Revision));
        await store.MarkDeliveredAsync([.. again.Select(m => m.EventId)]);

        Assert.Equal(0, await store.PurgeDeliveredEventsAsync(DateTimeOffset.UtcNow.AddMinutes(-1))); // too recent
        Assert.Equal(3, await store.PurgeDeliveredEventsAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
        await maintenance.ReleaseClaimsAsync(CancellationToken.None);
        var left = await store.ClaimUndeliveredAsync(100);
        Assert.Equal(7, left.Count); // undelivered messages are never purged
        Assert.Equal(4, left[0].Revision);
    }
}
