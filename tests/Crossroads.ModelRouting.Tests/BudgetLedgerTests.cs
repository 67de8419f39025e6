using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Tests;

/// <summary>The ledger on each store: atomic reservations, key and tenant budgets together, periods, expiry, restarts.</summary>
public sealed class BudgetLedgerTests : IDisposable
{
    private readonly TempDirectory _temp = new("crossroads-spend-");

    public static TheoryData<string> Stores => ["memory", "sqlite"];

    public void Dispose() => _temp.Dispose();

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Fifty_concurrent_reservations_never_pass_the_limit(string store) => LedgerScenarios.Fifty_concurrent_reservations_never_pass_the_limit(Factory(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Held_reservations_count_against_the_limit_until_settled(string store) => LedgerScenarios.Held_reservations_count_against_the_limit_until_settled(Factory(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task A_key_budget_and_its_tenant_budget_must_both_cover_the_request_and_a_refusal_holds_nothing(string store) => LedgerScenarios.A_key_budget_and_its_tenant_budget_must_both_cover_the_request_and_a_refusal_holds_nothing(Factory(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Daily_and_monthly_budgets_start_again_at_the_utc_boundary_and_total_never_does(string store) => LedgerScenarios.Daily_and_monthly_budgets_start_again_at_the_utc_boundary_and_total_never_does(Factory(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Reservations_of_a_holder_that_never_settles_expire(string store) => LedgerScenarios.Reservations_of_a_holder_that_never_settles_expire(Factory(store));

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
    public async Task A_snapshot_names_its_period_and_its_utc_bounds_and_what_remains()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.FromHours(-5))); // 2027-01-01 04:30 UTC
        await using var ledger = Ledger(
            "memory",
            clock,
            new BudgetAccount("key:k", 1m, BudgetPeriod.Daily),
            new BudgetAccount("tenant:t", 5m, BudgetPeriod.Monthly),
            new BudgetAccount("tenant:u", 2m, BudgetPeriod.Total));
        var held = await ledger.ReserveAsync(new BudgetPayer("t", "k"), 0.25m, default);
        var settled = await ledger.ReserveAsync(new BudgetPayer("t", "k"), 0.5m, default);
        await ledger.SettleAsync(settled.Reservation, 0.125m);

        var key = await ledger.SnapshotAsync("key:k");
        Assert.Equal((BudgetPeriod.Daily, 0.125m, 0.25m, 0.625m), (key.Period, key.SpentUsd, key.ReservedUsd, key.RemainingUsd));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), key.PeriodStart);
        Assert.Equal(new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero), key.PeriodEnd);
        var tenant = await ledger.SnapshotAsync("tenant:t");
        Assert.Equal((BudgetPeriod.Monthly, 4.625m), (tenant.Period, tenant.RemainingUsd));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), tenant.PeriodStart);
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), tenant.PeriodEnd);
        var total = await ledger.SnapshotAsync("tenant:u");
        Assert.Equal((BudgetPeriod.Total, (DateTimeOffset?)null, (DateTimeOffset?)null, 2m), (total.Period, total.PeriodStart, total.PeriodEnd, total.RemainingUsd));
        Assert.Null((await ledger.SnapshotAsync("tenant:unlimited")).RemainingUsd);

        // The next day's key period starts from zero; the month's spend is still there.
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0m, (await ledger.SnapshotAsync("key:k")).SpentUsd);
        Assert.Equal(0.125m, (await ledger.SnapshotAsync("tenant:t")).SpentUsd);
        await ledger.SettleAsync(held.Reservation, 0);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public Task A_settle_repeated_after_its_answer_was_lost_books_once(string store) => LedgerScenarios.A_settle_repeated_after_its_answer_was_lost_books_once(Factory(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task A_settle_after_its_reservation_expired_books_the_spend_once_without_releasing_the_hold_twice(string store) =>
        LedgerScenarios.A_settle_after_its_reservation_expired_books_the_spend_once_without_releasing_the_hold_twice(Factory(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_settle_the_store_does_not_take_is_retried_until_it_is_booked(string store)
    {
        var flaky = new FlakySpendStore(await OpenAsync(store)) { RefuseSettles = true };
        await using var ledger = FlakyLedger(flaky, TimeSpan.FromMilliseconds(20));
        var admission = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default);

        var second = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.25m, default);
        await ledger.SettleAsync(admission.Reservation, 0.2m); // returns: the request is not failed for it
        Assert.Equal(1, ledger.SettlesPending);
        await WaitUntilAsync(() => ledger.SettleFailures >= 3); // the first attempt and at least two retries
        var during = await ledger.SnapshotAsync("tenant:t");
        Assert.Equal((0m, 0.75m), (during.SpentUsd, during.ReservedUsd));

        // While settles are pending, the next one queues behind them without trying the store itself.
        await ledger.SettleAsync(second.Reservation, 0.125m);
        Assert.Equal(2, ledger.SettlesPending);
        await WaitUntilAsync(() => ledger.SettleFailures >= 5); // more rounds, each stopping at the first, still refused
        Assert.Equal(0, flaky.SettleCallsOf(second.Reservation.Id));

        flaky.RefuseSettles = false;
        await WaitUntilAsync(() => ledger.SettlesPending == 0);
        var after = await ledger.SnapshotAsync("tenant:t");
        Assert.Equal((0.325m, 0m), (after.SpentUsd, after.ReservedUsd));
        Assert.Equal(0, ledger.SettlesAbandoned);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_settle_whose_answer_was_lost_is_retried_and_booked_once(string store)
    {
        var flaky = new FlakySpendStore(await OpenAsync(store)) { LoseSettleAnswers = 1 };
        await using var ledger = FlakyLedger(flaky, TimeSpan.FromMilliseconds(20));
        var admission = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default);

        await ledger.SettleAsync(admission.Reservation, 0.2m);
        await WaitUntilAsync(() => ledger.SettlesPending == 0);
        Assert.Equal(1, ledger.SettleFailures);
        Assert.Equal(2, flaky.SettleCalls);
        var snapshot = await ledger.SnapshotAsync("tenant:t");
        Assert.Equal((0.2m, 0m), (snapshot.SpentUsd, snapshot.ReservedUsd));
    }

    [Fact]
    public async Task A_pending_settle_gets_a_last_attempt_at_shutdown_and_is_abandoned_only_if_that_fails()
    {
        var account = new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total);
        var flaky = new FlakySpendStore(await SqliteSpendStore.OpenAsync(_temp.Path, default)) { RefuseSettles = true };
        var ledger = FlakyLedger(flaky, TimeSpan.FromHours(1)); // no retry round before the shutdown
        var booked = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default);
        var lost = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.25m, default);
        await ledger.SettleAsync(booked.Reservation, 0.2m);
        flaky.RefuseSettles = false;
        flaky.RefuseSettlesOf = lost.Reservation.Id;
        await ledger.SettleAsync(lost.Reservation, 0.125m);
        Assert.Equal(2, ledger.SettlesPending);

        await ledger.DisposeAsync();
        Assert.Equal(1, ledger.SettlesAbandoned);
        Assert.Equal(0, ledger.SettlesPending);
        await using var reopened = Ledger("sqlite", TimeProvider.System, account);
        var snapshot = await reopened.SnapshotAsync("tenant:t");
        Assert.Equal(0.2m, snapshot.SpentUsd); // the abandoned one's 0.25 stays held until its reservation expires
        Assert.Equal(0.25m, snapshot.ReservedUsd);
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

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 30 s");
            await Task.Delay(10);
        }
    }

    private static BudgetLedger FlakyLedger(FlakySpendStore store, TimeSpan retryDelay) =>
        new([new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total)], _ => Task.FromResult<ISpendStore>(store), TimeProvider.System, TimeSpan.FromMinutes(10), retryDelay);

    private async Task<ISpendStore> OpenAsync(string store) => store == "sqlite" ? await SqliteSpendStore.OpenAsync(_temp.Path, default) : new InMemorySpendStore();

    private BudgetLedger Ledger(string store, TimeProvider time, params BudgetAccount[] accounts) => Factory(store)(time, accounts);

    private LedgerFactory Factory(string store) => (time, accounts) => new(
        accounts,
        store == "sqlite" ? async ct => await SqliteSpendStore.OpenAsync(_temp.Path, ct) : _ => Task.FromResult<ISpendStore>(new InMemorySpendStore()),
        time,
        TimeSpan.FromMinutes(10));
}
