using Crossroads.ModelRouting.Budgets.Spend;
using Crossroads.ModelRouting.Limits;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// Replicas sharing rate limits through the module's store: each replica is its own limiter, sync and store
/// connection (SQLite stores opened on one file, as processes sharing a data directory are), on one virtual clock.
/// </summary>
public sealed class SharedRateLimitsTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("crossroads-shared-limits-");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<SqliteSpendStore> _stores = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task What_one_replica_took_is_taken_from_the_other_at_the_next_sync()
    {
        var a = await ReplicaAsync("a", rpm: 10, tpm: null);
        var b = await ReplicaAsync("b", rpm: 10, tpm: null);
        await SyncAllAsync(a, b); // baselines: nothing used yet

        for (int i = 0; i < 10; i++)
        {
            Assert.True(a.Limiter.TryAdmit("k", 1).Allowed);
        }

        Assert.True(b.Limiter.Peek("k").Requests!.Value.Remaining == 10, "b has not heard of a yet");
        await SyncAllAsync(a, b);

        var refused = b.Limiter.TryAdmit("k", 1);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.RetryAfter); // 10 per minute: the next one in 6 s
        Assert.Equal(1, b.Shared.OtherReplicas);

        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True(b.Limiter.TryAdmit("k", 1).Allowed);
    }

    [Fact]
    public async Task Three_replicas_syncing_after_every_admission_admit_the_limit_once_not_three_times()
    {
        var replicas = new[]
        {
            await ReplicaAsync("a", rpm: 12, tpm: null),
            await ReplicaAsync("b", rpm: 12, tpm: null),
            await ReplicaAsync("c", rpm: 12, tpm: null),
        };
        await SyncAllAsync(replicas);
        var random = new Random(7);
        int admitted = 0;
        for (int attempt = 0; attempt < 60; attempt++)
        {
            var replica = replicas[random.Next(replicas.Length)];
            if (replica.Limiter.TryAdmit("k", 1).Allowed)
            {
                admitted++;
                await SyncAllAsync([replica, .. replicas]); // it publishes first, then everyone reads
            }
        }

        Assert.Equal(12, admitted); // each alone would have admitted 12: 36 in all
    }

    [Fact]
    public async Task Tokens_given_back_when_a_request_settles_are_given_back_to_the_others()
    {
        var a = await ReplicaAsync("a", rpm: null, tpm: 100);
        var b = await ReplicaAsync("b", rpm: null, tpm: 100);
        await SyncAllAsync(a, b);

        var admission = a.Limiter.TryAdmit("k", 80); // worst case: prompt + max_tokens
        Assert.True(admission.Allowed);
        await SyncAllAsync(a, b);
        Assert.Equal(20, b.Limiter.Peek("k").Tokens!.Value.Remaining);

        KeyRateLimiter.Settle(admission, 30); // it used 30
        await SyncAllAsync(a, b);
        Assert.Equal(70, b.Limiter.Peek("k").Tokens!.Value.Remaining);
        Assert.Equal(70, a.Limiter.Peek("k").Tokens!.Value.Remaining);
    }

    [Fact]
    public async Task A_replica_takes_the_usage_it_finds_at_its_first_sync_as_its_baseline_and_later_replicas_usage_in_full()
    {
        var a = await ReplicaAsync("a", rpm: 10, tpm: null);
        Assert.True(a.Limiter.TryAdmit("k", 1).Allowed);
        Assert.True(a.Limiter.TryAdmit("k", 1).Allowed);
        await SyncAllAsync(a);

        var b = await ReplicaAsync("b", rpm: 10, tpm: null);
        await SyncAllAsync(b); // a's 2 were before b: not debited
        Assert.Equal(10, b.Limiter.Peek("k").Requests!.Value.Remaining);

        var c = await ReplicaAsync("c", rpm: 10, tpm: null); // starts after b's baseline
        for (int i = 0; i < 3; i++)
        {
            Assert.True(c.Limiter.TryAdmit("k", 1).Allowed);
        }

        await SyncAllAsync(c, b);
        Assert.Equal(7, b.Limiter.Peek("k").Requests!.Value.Remaining); // all of c's usage is news to b
        Assert.Equal(2, b.Shared.OtherReplicas);
    }

    [Fact]
    public async Task A_silent_replica_s_rows_are_dropped_after_a_minute_and_a_debt_never_exceeds_a_minute()
    {
        var a = await ReplicaAsync("a", rpm: 10, tpm: null);
        var b = await ReplicaAsync("b", rpm: 10, tpm: null);
        await SyncAllAsync(a, b);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(a.Limiter.TryAdmit("k", 1).Allowed);
        }

        await SyncAllAsync(a, b);
        Assert.Equal(1, b.Shared.OtherReplicas);

        _clock.Advance(SharedRateLimits.StaleAfter + TimeSpan.FromSeconds(1)); // a stops syncing
        await SyncAllAsync(b);
        Assert.Equal(0, b.Shared.OtherReplicas);

        // a comes back: its cumulative 10 + 30 more reads as new usage to b (its rows were gone), 40 requests in all,
        // but b owes at most one minute's worth.
        for (int i = 0; i < 30; i++)
        {
            a.Limiter.Debit("k", -1, 0); // make room in a without waiting (a credit)
            Assert.True(a.Limiter.TryAdmit("k", 1).Allowed);
        }

        await SyncAllAsync(a, b);
        var refused = b.Limiter.TryAdmit("k", 1);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(66), refused.RetryAfter); // from −10 back to 1 at 10 per minute, not from −40
    }

    private async Task<Replica> ReplicaAsync(string name, int? rpm, int? tpm)
    {
        var store = await SqliteSpendStore.OpenAsync(_directory.Path, CancellationToken.None);
        _stores.Add(store);
        var limiter = new KeyRateLimiter([new KeyLimit("k", rpm, tpm)], _clock);
        return new Replica(limiter, new SharedRateLimits(limiter, name, _clock), store);
    }

    private static async Task SyncAllAsync(params Replica[] replicas)
    {
        foreach (var replica in replicas)
        {
            await replica.Shared.SyncAsync(replica.Store, CancellationToken.None);
        }
    }

    private sealed record Replica(KeyRateLimiter Limiter, SharedRateLimits Shared, SqliteSpendStore Store);
}
