using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Tests;

/// <summary>The ledger on each store: atomic reservations, key and tenant budgets together, periods, expiry, restarts.</summary>
public sealed class BudgetLedgerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crossroads-spend-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Stores => ["memory", "sqlite"];

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Fifty_concurrent_reservations_never_pass_the_limit(string store)
    {
        await using var ledger = Ledger(store, TimeProvider.System, new BudgetAccount("tenant:t", 1.0m, BudgetPeriod.Total));
        using var start = new Barrier(50);
        var granted = new bool[50];
        // Dedicated threads (not the pool, which would inject 50 blocked workers slowly), released together.
        var threads = Enumerable.Range(0, 50).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            var admission = ledger.ReserveAsync(new BudgetPayer("t", null), 0.1m, default).AsTask().GetAwaiter().GetResult();
            if (admission.Admitted)
            {
                Thread.Sleep(5);
                ledger.SettleAsync(admission.Reservation, 0.07m).AsTask().GetAwaiter().GetResult();
            }

            granted[i] = admission.Admitted;
        })).ToList();
        threads.ForEach(static t => t.Start());
        threads.ForEach(static t => t.Join());

        var snapshot = await ledger.SnapshotAsync("tenant:t");
        Assert.InRange(granted.Count(static g => g), 10, 14); // settled requests free 0.03 each for later ones
        Assert.True(snapshot.SpentUsd <= 1.0m, $"spent {snapshot.SpentUsd}");
        Assert.Equal(0.07m * granted.Count(static g => g), snapshot.SpentUsd);
        Assert.Equal(0m, snapshot.ReservedUsd);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Held_reservations_count_against_the_limit_until_settled(string store)
    {
        await using var ledger = Ledger(store, TimeProvider.System, new BudgetAccount("tenant:t", 1.0m, BudgetPeriod.Total));
        var first = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.6m, default);
        Assert.True(first.Admitted);
        var second = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.6m, default);
        Assert.False(second.Admitted);
        Assert.Equal("tenant:t", second.RefusedBy);
        Assert.Equal(0.4m, second.RemainingUsd);
        await ledger.SettleAsync(first.Reservation, 0.1m);
        Assert.True((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.6m, default)).Admitted);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_key_budget_and_its_tenant_budget_must_both_cover_the_request_and_a_refusal_holds_nothing(string store)
    {
        await using var ledger = Ledger(
            store,
            TimeProvider.System,
            new BudgetAccount("tenant:acme", 1.0m, BudgetPeriod.Total),
            new BudgetAccount("key:ci", 0.3m, BudgetPeriod.Total));
        var ci = new BudgetPayer("acme", "ci");
        Assert.True((await ledger.ReserveAsync(ci, 0.2m, default)).Admitted);
        var refused = await ledger.ReserveAsync(ci, 0.2m, default);
        Assert.Equal("key:ci", refused.RefusedBy);
        // The tenant line was not left holding anything by the refused reservation.
        Assert.Equal(0.2m, (await ledger.SnapshotAsync("tenant:acme")).ReservedUsd);
        // Another key of the tenant still has the tenant's remaining 0.8.
        Assert.True((await ledger.ReserveAsync(new BudgetPayer("acme", "other"), 0.8m, default)).Admitted);
        Assert.Equal("tenant:acme", (await ledger.ReserveAsync(new BudgetPayer("acme", "other"), 0.01m, default)).RefusedBy);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Daily_and_monthly_budgets_start_again_at_the_utc_boundary_and_total_never_does(string store)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 31, 23, 59, 0, TimeSpan.Zero));
        await using var ledger = Ledger(
            store,
            clock,
            new BudgetAccount("tenant:d", 1m, BudgetPeriod.Daily),
            new BudgetAccount("tenant:m", 1m, BudgetPeriod.Monthly),
            new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total));
        foreach (var tenant in new[] { "d", "m", "t" })
        {
            var spend = await ledger.ReserveAsync(new BudgetPayer(tenant, null), 1m, default);
            await ledger.SettleAsync(spend.Reservation, 1m);
            Assert.False((await ledger.ReserveAsync(new BudgetPayer(tenant, null), 0.5m, default)).Admitted);
        }

        clock.Advance(TimeSpan.FromMinutes(2)); // 2026-02-01 00:01 UTC: a new day and a new month
        foreach (var tenant in new[] { "d", "m" })
        {
            var spend = await ledger.ReserveAsync(new BudgetPayer(tenant, null), 0.5m, default);
            Assert.True(spend.Admitted);
            await ledger.SettleAsync(spend.Reservation, 0.5m);
        }

        Assert.False((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default)).Admitted);

        clock.Advance(TimeSpan.FromDays(1)); // 2026-02-02: the daily budget is fresh again, the monthly one is not
        Assert.True((await ledger.ReserveAsync(new BudgetPayer("d", null), 1m, default)).Admitted);
        Assert.False((await ledger.ReserveAsync(new BudgetPayer("m", null), 0.6m, default)).Admitted);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Reservations_of_a_holder_that_never_settles_expire(string store)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var ledger = Ledger(store, clock, new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total));
        Assert.True((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.9m, default)).Admitted); // never settled: its holder "crashed"
        Assert.False((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default)).Admitted);

        clock.Advance(TimeSpan.FromMinutes(11)); // past the 10-minute TTL
        Assert.True((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default)).Admitted);
    }

    [Fact]
    public async Task Spend_in_sqlite_survives_reopening_the_store()
    {
        var account = new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total);
        await using (var ledger = Ledger("sqlite", TimeProvider.System, account))
        {
            var r = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default);
            await ledger.SettleAsync(r.Reservation, 0.75m);
        }

        await using var reopened = Ledger("sqlite", TimeProvider.System, account);
        Assert.Equal(0.75m, (await reopened.SnapshotAsync("tenant:t")).SpentUsd);
        Assert.Equal("tenant:t", (await reopened.ReserveAsync(new BudgetPayer("t", null), 0.3m, default)).RefusedBy);
    }

    [Fact]
    public async Task Payers_without_a_limit_are_never_refused_and_never_open_the_store()
    {
        int opened = 0;
        await using var ledger = new BudgetLedger(
            [new BudgetAccount("tenant:paying", 1m, BudgetPeriod.Total)],
            _ =>
            {
                Interlocked.Increment(ref opened);
                return Task.FromResult<ISpendStore>(new InMemorySpendStore());
            },
            TimeProvider.System,
            TimeSpan.FromMinutes(10));
        var admission = await ledger.ReserveAsync(new BudgetPayer("free", "some-key"), 1_000_000m, default);
        Assert.True(admission.Admitted);
        Assert.False(admission.Reservation.IsLimited);
        await ledger.SettleAsync(admission.Reservation, 5m);
        Assert.Equal(0, opened);
    }

    [Theory]
    [InlineData(0.000000001, 1)]
    [InlineData(0.0000000011, 2)]
    [InlineData(0.000208, 208_000)]
    [InlineData(0, 0)]
    public void Amounts_round_up_to_whole_nano_dollars(decimal usd, long nanos) => Assert.Equal(nanos, UsdNanos.From(usd));

    private BudgetLedger Ledger(string store, TimeProvider time, params BudgetAccount[] accounts) => new(
        accounts,
        store == "sqlite" ? async ct => await SqliteSpendStore.OpenAsync(_directory, ct) : _ => Task.FromResult<ISpendStore>(new InMemorySpendStore()),
        time,
        TimeSpan.FromMinutes(10));
}
