namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>Writes that produce a known mix of events, and what the store says it committed.</summary>
internal static class EventTestData
{
    /// <summary>
    /// <paramref name="count"/> committed changes on <paramref name="tenant"/>'s routes: creates, URL updates, a
    /// deactivation and, from the sixth change on, one split (its own event shape and routing key).
    /// </summary>
    public static async Task WriteAsync(IServiceRouteStore store, int count, string tenant = "acme", int start = 0)
    {
        for (int i = start; i < start + count; i++)
        {
            var key = new RouteKey(tenant, "billing", "prod", $"v{i % 5}");
            if (i == 5)
            {
                var split = await store.PutSplitAsync(new SplitKey(tenant, "billing", "prod"), new Dictionary<string, int> { ["v0"] = 60, ["v1"] = 40 }, "tester", "corr-split");
                Assert.NotNull(split.Event);
            }
            else if (i == 7)
            {
                var deactivated = await store.DeactivateAsync(new RouteKey(tenant, "billing", "prod", "v4"), "tester", "corr-off");
                Assert.NotNull(deactivated.Event);
            }
            else
            {
                var result = await store.UpsertAsync(key, $"http://billing-{i}.internal:8080/?a=1&b=2", "tester", $"corr-{i}");
                Assert.NotNull(result.Event);
            }
        }
    }

    /// <summary>Every committed change as (revision, event id), in revision order: what a consumer must receive.</summary>
    public static async Task<IReadOnlyList<(long Revision, Guid EventId)>> CommittedAsync(IServiceRouteStore store)
    {
        var changes = await store.ChangesSinceAsync(0, 10_000);
        return [.. changes.Select(c => (c.Revision, c.Route?.EventId ?? c.Split!.EventId))];
    }

    /// <summary>The received events' ids in first-arrival order with repeats removed (delivery is at least once).</summary>
    public static IReadOnlyList<Guid> FirstArrivals(IEnumerable<ReceivedEvent> received)
    {
        var seen = new HashSet<Guid>();
        return [.. received.Select(r => r.EventId).Where(seen.Add)];
    }
}
