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

        var plan = WritePlanner.PlanBatch(requests, revision: 10, new Dictionary<RouteKey, ServiceRoute>(), new Dictionary<SplitKey, WeightedSplit>(), Now);

        Assert.Equal(
            [RouteWriteStatus.Created, RouteWriteStatus.Unchanged, RouteWriteStatus.Deactivated, RouteWriteStatus.RevisionMismatch, RouteWriteStatus.Activated, RouteWriteStatus.Created, RouteWriteStatus.NotFound],
            plan.Results.Cast<RouteWriteResult>().Select(r => r.Status));
        Assert.Equal([11L, 12L, 13L, 14L], plan.Changes.Select(c => c.Route.Revision));
        Assert.Equal(14, plan.Revision);
        Assert.Equal([true, false, false, true], plan.Changes.Select(c => c.Creates));
        Assert.Equal(12, ((RouteWriteResult)plan.Results[3]).Route!.Revision);
        Assert.Equal((RouteState?)RouteState.Inactive, plan.Changes[2].Event.PreviousState);
    }

    [Fact]
    public void A_batch_without_changes_keeps_the_revision()
    {
        var existing = new ServiceRoute(Key, "http://a/", RouteState.Active, 7, Now, Now);

        var plan = WritePlanner.PlanBatch([Upsert(Key, "http://a/"), new(WriteKind.Activate, Key, null, "t", null, null)], 9, new Dictionary<RouteKey, ServiceRoute> { [Key] = existing }, new Dictionary<SplitKey, WeightedSplit>(), Now);

        Assert.Empty(plan.Changes);
        Assert.Equal(9, plan.Revision);
        Assert.All(plan.Results.Cast<RouteWriteResult>(), r => Assert.Equal((RouteWriteStatus.Unchanged, existing), (r.Status, r.Route)));
    }

    [Fact]
    public void A_split_in_a_batch_sees_routes_created_earlier_in_it_and_blocks_their_deactivation()
    {
        var split = new SplitKey("acme", "billing", "prod");
        var weights = new SplitWeights(new Dictionary<string, int> { ["v1"] = 70, ["v2"] = 30 });
        WriteRequest[] requests =
        [
            PutSplit(split, weights),
            Upsert(split.Route("v1"), "http://a/"),
            Upsert(split.Route("v2"), "http://b/"),
            PutSplit(split, weights),
            new(WriteKind.Deactivate, split.Route("v2"), null, "t", null, null),
            new(WriteKind.DeleteSplit, default, null, "t", null, null) { SplitKey = split },
            new(WriteKind.Deactivate, split.Route("v2"), null, "t", null, null),
            new(WriteKind.DeleteSplit, default, null, "t", null, null) { SplitKey = split },
        ];

        var plan = WritePlanner.PlanBatch(requests, revision: 0, new Dictionary<RouteKey, ServiceRoute>(), new Dictionary<SplitKey, WeightedSplit>(), Now);

        var first = Assert.IsType<SplitWriteResult>(plan.Results[0]);
        Assert.Equal(SplitWriteStatus.VersionsUnavailable, first.Status);
        Assert.Equal(["v1", "v2"], first.UnavailableVersions);
        Assert.Equal(SplitWriteStatus.Created, Assert.IsType<SplitWriteResult>(plan.Results[3]).Status);
        Assert.Equal(RouteWriteStatus.SplitConflict, Assert.IsType<RouteWriteResult>(plan.Results[4]).Status);
        Assert.Equal(SplitWriteStatus.Deleted, Assert.IsType<SplitWriteResult>(plan.Results[5]).Status);
        Assert.Equal(RouteWriteStatus.Deactivated, Assert.IsType<RouteWriteResult>(plan.Results[6]).Status);
        Assert.Equal(SplitWriteStatus.NotFound, Assert.IsType<SplitWriteResult>(plan.Results[7]).Status);
        Assert.Equal([1L, 2L, 5L], plan.Changes.Select(c => c.Route.Revision));
        Assert.Equal([3L, 4L], plan.SplitChanges.Select(c => c.Event.Revision));
        Assert.Equal(5, plan.Revision);
    }

    private static WriteRequest PutSplit(SplitKey key, SplitWeights weights) =>
        new(WriteKind.PutSplit, default, null, "t", null, null) { SplitKey = key, Weights = weights };

    [Fact]
    public void A_key_used_earlier_in_the_batch_is_replayed_and_an_expired_one_is_reused()
    {
        var key = new IdempotencyKey("k", "fp");
        var old = new IdempotencyScope("t", "old");
        var stored = new IdempotencyRecord(old, "other", new RouteWriteResult(RouteWriteStatus.NotFound, null, null), Now.AddDays(-2));
        WriteRequest[] requests =
        [
            Upsert(Key, "http://a/") with { Idempotency = key },
            Upsert(Key, "http://b/") with { Idempotency = key },
            Upsert(Key, "http://b/") with { Idempotency = key with { Fingerprint = "other" } },
            Upsert(Key, "http://c/") with { Idempotency = new IdempotencyKey("old", "fp") },
        ];

        var plan = WritePlanner.PlanBatch(
            requests, revision: 0, new Dictionary<RouteKey, ServiceRoute>(), new Dictionary<SplitKey, WeightedSplit>(), Now,
            new Dictionary<IdempotencyScope, IdempotencyRecord> { [old] = stored }, keysValidFrom: Now.AddDays(-1));

        var results = plan.Results.Cast<RouteWriteResult>().ToArray();
        Assert.Equal(
            [(RouteWriteStatus.Created, false), (RouteWriteStatus.Created, true), (RouteWriteStatus.IdempotencyConflict, false), (RouteWriteStatus.Updated, false)],
            results.Select(r => (r.Status, r.Replayed)));
        Assert.Equal(results[0].Event, results[1].Event);
        Assert.Equal([1L, 2L], plan.Changes.Select(c => c.Route.Revision));
        Assert.Equal(["k", "old"], plan.KeyWrites.Select(k => k.Scope.Key));
    }

    private static WriteRequest Upsert(RouteKey key, string url, long? expectedRevision = null) =>
        new(WriteKind.Upsert, key, url, "t", null, expectedRevision);
}
