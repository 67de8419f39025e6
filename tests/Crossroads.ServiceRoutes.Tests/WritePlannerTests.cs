using Crossroads.ServiceRoutes.Storage;

namespace Crossroads.ServiceRoutes.Tests;

/// <summary>A write batch is decided as if each write ran alone, in order, each seeing the ones before it.</summary>
public sealed class WritePlannerTests
{
    private static readonly RouteKey Key = new("acme", "billing", "prod", "v1");
    private static readonly DateTimeOffset Now = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Writes_to_one_route_in_a_batch_see_each_other()
    {
        WriteRequest[] requests =
        [
            Upsert(Key, "http://a/"),
            Upsert(Key, "http://a/"),
            new(WriteKind.Deactivate, Key, null, "t", null, null),
            Upsert(Key, "http://b/", expectedRevision: 11),
            new(WriteKind.Activate, Key, null, "t", null, 12),
            Upsert(Key with { Version = "v2" }, "http://c/", expectedRevision: 0),
            new(WriteKind.Activate, Key with { Version = "v3" }, null, "t", null, null),
        ];

        var plan = WritePlanner.PlanBatch(requests, revision: 10, new Dictionary<RouteKey, ServiceRoute>(), Now);

        Assert.Equal(
            [RouteWriteStatus.Created, RouteWriteStatus.Unchanged, RouteWriteStatus.Deactivated, RouteWriteStatus.RevisionMismatch, RouteWriteStatus.Activated, RouteWriteStatus.Created, RouteWriteStatus.NotFound],
            plan.Results.Select(r => r.Status));
        Assert.Equal([11L, 12L, 13L, 14L], plan.Changes.Select(c => c.Route.Revision));
        Assert.Equal(14, plan.Revision);
        Assert.Equal([true, false, false, true], plan.Changes.Select(c => c.Creates));
        Assert.Equal(12, plan.Results[3].Route!.Revision);
        Assert.Equal((RouteState?)RouteState.Inactive, plan.Changes[2].Event.PreviousState);
    }

    [Fact]
    public void A_batch_without_changes_keeps_the_revision()
    {
        var existing = new ServiceRoute(Key, "http://a/", RouteState.Active, 7, Now, Now);

        var plan = WritePlanner.PlanBatch([Upsert(Key, "http://a/"), new(WriteKind.Activate, Key, null, "t", null, null)], 9, new Dictionary<RouteKey, ServiceRoute> { [Key] = existing }, Now);

        Assert.Empty(plan.Changes);
        Assert.Equal(9, plan.Revision);
        Assert.All(plan.Results, r => Assert.Equal((RouteWriteStatus.Unchanged, existing), (r.Status, r.Route)));
    }

    private static WriteRequest Upsert(RouteKey key, string url, long? expectedRevision = null) =>
        new(WriteKind.Upsert, key, url, "t", null, expectedRevision);
}
