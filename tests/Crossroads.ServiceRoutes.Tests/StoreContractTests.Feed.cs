namespace Crossroads.ServiceRoutes.Tests;

/// <summary>The event feed (outbox payloads by revision, with retention) and change signals, on both providers.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Events_since_pages_the_outbox_payloads_in_revision_order()
    {
        for (int i = 1; i <= 5; i++)
        {
            await Store.UpsertAsync(Key with { Version = $"v{i}" }, Url1, "alice", null);
        }

        var payloads = (await Store.ClaimUndeliveredAsync(10)).ToDictionary(m => m.Revision, m => (m.EventId, m.Payload, m.OccurredAt));
        var pages = new List<EventFeedPage>();
        long since = 0;
        for (int i = 0; i < 4; i++)
        {
            var page = await Store.EventsSinceAsync(since, 2);
            pages.Add(page);
            since = page.NextSince(since);
        }

        Assert.Equal([[1L, 2L], [3L, 4L], [5L], []], pages.Select(p => p.Events.Select(e => e.Revision).ToArray()));
        Assert.All(pages, p => Assert.Equal((1L, 5L), (p.OldestRetainedRevision, p.CurrentRevision)));
        Assert.All(pages.SelectMany(p => p.Events), e => Assert.Equal(payloads[e.Revision], (e.EventId, e.Payload, e.OccurredAt)));
    }

    [Fact]
    public async Task Events_of_an_empty_store_are_empty_and_a_revision_from_the_future_is_gone()
    {
        var empty = await Store.EventsSinceAsync(0, 10);

        Assert.Equal((0, 1L, 0L), (empty.Events.Count, empty.OldestRetainedRevision, empty.CurrentRevision));
        var gone = await Assert.ThrowsAsync<EventHistoryGoneException>(() => Store.EventsSinceAsync(3, 10));
        Assert.Equal((3L, 1L, 0L), (gone.Since, gone.OldestRetainedRevision, gone.CurrentRevision));
        Assert.Equal("since", Assert.Single((await Assert.ThrowsAsync<RouteValidationException>(() => Store.EventsSinceAsync(-1, 10))).Errors).Field);
    }

    [Fact]
    public async Task Purging_deletes_only_an_old_delivered_prefix_and_older_history_is_gone()
    {
        for (int i = 1; i <= 6; i++)
        {
            await Store.UpsertAsync(Key with { Version = $"v{i}" }, Url1, "alice", null);
            Clock.Advance(TimeSpan.FromMinutes(10));
        }

        // Delivered: 1, 2, 3 and 5 (out of order, as leases allow); 4 and 6 are not.
        var messages = await Store.ClaimUndeliveredAsync(10);
        await Store.MarkDeliveredAsync([.. messages.Where(m => m.Revision is 1 or 2 or 3 or 5).Select(m => m.EventId)]);

        // Only 1 and 2 occurred more than 45 minutes ago; 3 is delivered but too recent.
        Assert.Equal(0, await Store.PurgeDeliveredEventsAsync(Start.AddMinutes(-1)));
        Assert.Equal(2, await Store.PurgeDeliveredEventsAsync(Clock.Now.AddMinutes(-45)));
        // Now 3 is old enough; 5 stays behind the undelivered 4, so the feed keeps no hole.
        Assert.Equal(1, await Store.PurgeDeliveredEventsAsync(Clock.Now));

        var page = await Store.EventsSinceAsync(3, 10);
        Assert.Equal([4L, 5L, 6L], page.Events.Select(e => e.Revision));
        Assert.Equal(4, page.OldestRetainedRevision);
        var gone = await Assert.ThrowsAsync<EventHistoryGoneException>(() => Store.EventsSinceAsync(2, 10));
        Assert.Equal((2L, 4L, 6L), (gone.Since, gone.OldestRetainedRevision, gone.CurrentRevision));
        await Assert.ThrowsAsync<EventHistoryGoneException>(() => Store.EventsSinceAsync(0, 10));
        // The audit-based change feed is not purged with the outbox.
        Assert.Equal(6, (await Store.ChangesSinceAsync(0, 100)).Count);

        await Store.MarkDeliveredAsync([.. messages.Where(m => m.Revision is 4 or 6).Select(m => m.EventId)]);
        Assert.Equal(3, await Store.PurgeDeliveredEventsAsync(Clock.Now));
        var drained = await Store.EventsSinceAsync(6, 10);
        Assert.Equal((0, 7L, 6L), (drained.Events.Count, drained.OldestRetainedRevision, drained.CurrentRevision));
        await Assert.ThrowsAsync<EventHistoryGoneException>(() => Store.EventsSinceAsync(5, 10));
        await Store.UpsertAsync(Key, Url2, "alice", null);
        Assert.Equal([7L], (await Store.EventsSinceAsync(6, 10)).Events.Select(e => e.Revision));
    }

    [Fact]
    public async Task A_change_listener_signals_the_revision_of_a_local_commit()
    {
        await using var listener = Store.CreateChangeListener();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var signals = listener.ReadAllAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        await WaitUntilAsync(() => listener.IsConnected, timeout.Token);

        var write = await Store.UpsertAsync(Key, Url1, "alice", null);
        var unchanged = await Store.UpsertAsync(Key, Url1, "alice", null);
        var next = await Store.DeactivateAsync(Key, "alice", null);

        var seen = new List<ServiceRouteChangeSignal>();
        while (!seen.Any(s => s.Revision == next.Event!.Revision) && await signals.MoveNextAsync())
        {
            seen.Add(signals.Current);
        }

        Assert.Contains(seen, s => s.Revision == write.Event!.Revision);
        Assert.Equal(RouteWriteStatus.Unchanged, unchanged.Status);
        Assert.All(seen, s => Assert.InRange(s.Revision, 0, 2));
    }

    protected static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(10, cancellationToken);
        }
    }
}
