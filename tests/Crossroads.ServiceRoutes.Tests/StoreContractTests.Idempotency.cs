namespace Crossroads.ServiceRoutes.Tests;

/// <summary>Idempotency keys: stored with the write, answered again to a retry, on both providers.</summary>
public abstract partial class StoreContractTests
{
    private static WriteOptions Idempotent(string key, string fingerprint = "fp-1") => new() { Idempotency = new IdempotencyKey(key, fingerprint) };

    [Fact]
    public async Task A_retry_with_the_same_key_replays_the_first_outcome_and_writes_nothing()
    {
        var first = await Store.UpsertAsync(Key, Url1, "alice", "c-1", Idempotent("create-1"));
        await Store.UpsertAsync(Key, Url2, "bob", null);

        var retry = await Store.UpsertAsync(Key, Url1, "alice", "c-1", Idempotent("create-1"));

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first with { Replayed = true }, retry);
        Assert.Equal(RouteWriteStatus.Created, retry.Status);
        Assert.Equal(Url1, retry.Route!.Url);
        Assert.Equal(1, retry.Event!.Revision);
        Assert.Equal(2, await Store.CurrentRevisionAsync());
        Assert.Equal(2, (await Store.ChangesSinceAsync(0, 100)).Count);
        Assert.Equal(2, (await Store.EventsSinceAsync(0, 100)).Events.Count);
        Assert.Equal(Url2, (await Store.GetAsync(Key))!.Url);
    }

    [Fact]
    public async Task Outcomes_that_change_nothing_are_stored_and_replayed_too()
    {
        var notFound = await Store.ActivateAsync(Key, "alice", null, Idempotent("activate-1"));
        var mismatch = await Store.UpsertAsync(Key, Url1, "alice", null, new WriteOptions { ExpectedRevision = 7, Idempotency = new IdempotencyKey("upsert-7", "fp") });
        await Store.UpsertAsync(Key, Url1, "alice", null);
        await Store.DeactivateAsync(Key, "alice", null);

        var notFoundAgain = await Store.ActivateAsync(Key, "alice", null, Idempotent("activate-1"));
        var mismatchAgain = await Store.UpsertAsync(Key, Url1, "alice", null, new WriteOptions { ExpectedRevision = 7, Idempotency = new IdempotencyKey("upsert-7", "fp") });

        Assert.Equal((RouteWriteStatus.NotFound, false), (notFound.Status, notFound.Replayed));
        Assert.Equal(notFound with { Replayed = true }, notFoundAgain);
        Assert.Equal(RouteWriteStatus.RevisionMismatch, mismatch.Status);
        Assert.Equal(mismatch with { Replayed = true }, mismatchAgain);
        Assert.Equal(RouteState.Inactive, (await Store.GetAsync(Key))!.State);
        Assert.Equal(2, await Store.CurrentRevisionAsync());
    }

    [Fact]
    public async Task Split_writes_replay_their_first_outcome()
    {
        var split = new SplitKey("acme", "billing", "prod");
        await Store.UpsertAsync(split.Route("v1"), Url1, "ops", null);
        await Store.UpsertAsync(split.Route("v2"), Url2, "ops", null);
        var weights = new Dictionary<string, int> { ["v1"] = 90, ["v2"] = 10 };

        var put = await Store.PutSplitAsync(split, weights, "ops", "s-1", Idempotent("split-1"));
        await Store.PutSplitAsync(split, new Dictionary<string, int> { ["v1"] = 50, ["v2"] = 50 }, "ops", null);
        var putAgain = await Store.PutSplitAsync(split, weights, "ops", "s-1", Idempotent("split-1"));
        var deleted = await Store.DeleteSplitAsync(split, "ops", null, Idempotent("split-2"));
        var deletedAgain = await Store.DeleteSplitAsync(split, "ops", null, Idempotent("split-2"));
        var unavailable = await Store.PutSplitAsync(split, new Dictionary<string, int> { ["v3"] = 100 }, "ops", null, Idempotent("split-3"));
        var unavailableAgain = await Store.PutSplitAsync(split, new Dictionary<string, int> { ["v3"] = 100 }, "ops", null, Idempotent("split-3"));

        Assert.Equal((SplitWriteStatus.Created, true), (putAgain.Status, putAgain.Replayed));
        Assert.Equal((put.Split, put.Event), (putAgain.Split, putAgain.Event));
        Assert.Equal((SplitWriteStatus.Deleted, true), (deletedAgain.Status, deletedAgain.Replayed));
        Assert.Equal(deleted.Event, deletedAgain.Event);
        Assert.Null(deletedAgain.Split);
        Assert.Equal((SplitWriteStatus.VersionsUnavailable, true), (unavailableAgain.Status, unavailableAgain.Replayed));
        Assert.Equal(["v3"], unavailableAgain.UnavailableVersions);
        Assert.Equal(5, await Store.CurrentRevisionAsync());
    }

    [Fact]
    public async Task The_same_key_with_another_fingerprint_is_a_conflict_that_writes_nothing()
    {
        await Store.UpsertAsync(Key, Url1, "alice", null, Idempotent("k", "fp-a"));

        var conflict = await Store.UpsertAsync(Key, Url2, "alice", null, Idempotent("k", "fp-b"));
        var splitConflict = await Store.DeleteSplitAsync(new SplitKey("acme", "billing", "prod"), "alice", null, Idempotent("k", "fp-a"));

        Assert.Equal(new RouteWriteResult(RouteWriteStatus.IdempotencyConflict, null, null), conflict);
        Assert.Equal(SplitWriteStatus.IdempotencyConflict, splitConflict.Status);
        Assert.Equal(Url1, (await Store.GetAsync(Key))!.Url);
        Assert.Equal(1, await Store.CurrentRevisionAsync());
    }

    [Fact]
    public async Task The_same_key_of_different_actors_is_independent()
    {
        var alice = await Store.UpsertAsync(Key, Url1, "alice", null, Idempotent("shared"));
        var bob = await Store.UpsertAsync(Key, Url2, "bob", null, Idempotent("shared"));
        var bobAgain = await Store.UpsertAsync(Key, Url2, "bob", null, Idempotent("shared"));

        Assert.Equal((RouteWriteStatus.Created, false), (alice.Status, alice.Replayed));
        Assert.Equal((RouteWriteStatus.Updated, false), (bob.Status, bob.Replayed));
        Assert.Equal(bob with { Replayed = true }, bobAgain);
        Assert.Equal(2, await Store.CurrentRevisionAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_retries_of_one_request_get_one_outcome()
    {
        var writes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.UpsertAsync(Key, Url1, "alice", null, Idempotent("once")))));

        var first = Assert.Single(writes, w => !w.Replayed);
        Assert.Equal(RouteWriteStatus.Created, first.Status);
        Assert.All(writes.Where(w => w.Replayed), w => Assert.Equal(first with { Replayed = true }, w));
        Assert.Equal(1, await Store.CurrentRevisionAsync());
        Assert.Single(await Store.AuditForRouteAsync(Key, 10));
    }

    [Fact]
    public async Task Replays_survive_reopening_the_store()
    {
        var first = await Store.UpsertAsync(Key, Url1, "alice", "c-1", Idempotent("durable"));
        await Store.DisposeAsync();

        var reopened = await OpenAnotherAsync();
        var retry = await reopened.UpsertAsync(Key, Url1, "alice", "c-1", Idempotent("durable"));

        Assert.Equal(first with { Replayed = true }, retry);
        Assert.Equal(1, await reopened.CurrentRevisionAsync());
    }

    [Fact]
    public async Task A_key_past_its_retention_counts_as_unused()
    {
        await Store.UpsertAsync(Key, Url1, "alice", null, Idempotent("old", "fp-a"));
        Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(RouteWriteStatus.IdempotencyConflict, (await Store.UpsertAsync(Key, Url2, "alice", null, Idempotent("old", "fp-b"))).Status);
        Clock.Advance(TimeSpan.FromHours(1.5));

        var reused = await Store.UpsertAsync(Key, Url2, "alice", null, Idempotent("old", "fp-b"));
        var retry = await Store.UpsertAsync(Key, Url2, "alice", null, Idempotent("old", "fp-b"));

        Assert.Equal((RouteWriteStatus.Updated, false), (reused.Status, reused.Replayed));
        Assert.Equal(reused with { Replayed = true }, retry);
    }

    [Fact]
    public async Task Invalid_idempotency_keys_are_refused()
    {
        var tooLong = await Assert.ThrowsAsync<RouteValidationException>(() => Store.UpsertAsync(Key, Url1, "alice", null, Idempotent(new string('k', 201))));
        var notAscii = await Assert.ThrowsAsync<RouteValidationException>(() => Store.UpsertAsync(Key, Url1, "alice", null, Idempotent("clé", "")));

        Assert.Equal("idempotency_key", Assert.Single(tooLong.Errors).Field);
        Assert.Equal(["idempotency_key", "idempotency_fingerprint"], notAscii.Errors.Select(e => e.Field));
        Assert.Equal(RouteWriteStatus.Created, (await Store.UpsertAsync(Key, Url1, "alice", null, Idempotent(new string('k', 200)))).Status);
    }
}
