using Crossroads.ModelRouting.Budgets;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Makes a ledger of <paramref name="accounts"/> on one kind of store, with a 10-minute reservation timeout.</summary>
public delegate BudgetLedger LedgerFactory(TimeProvider time, params BudgetAccount[] accounts);

/// <summary>The ledger's contract, run on every store (memory and SQLite in <see cref="BudgetLedgerTests"/>, PostgreSQL in <see cref="PostgresLedgerTests"/>).</summary>
public static class LedgerScenarios
{
    public static async Task Fifty_concurrent_reservations_never_pass_the_limit(LedgerFactory ledgerOf)
    {
        await using var ledger = ledgerOf(TimeProvider.System, new BudgetAccount("tenant:t", 1.0m, BudgetPeriod.Total));
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

    public static async Task Held_reservations_count_against_the_limit_until_settled(LedgerFactory ledgerOf)
    {
        await using var ledger = ledgerOf(TimeProvider.System, new BudgetAccount("tenant:t", 1.0m, BudgetPeriod.Total));
        var first = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.6m, default);
        Assert.True(first.Admitted);
        var second = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.6m, default);
        Assert.False(second.Admitted);
        Assert.Equal("tenant:t", second.RefusedBy);
        Assert.Equal(0.4m, second.RemainingUsd);
        await ledger.SettleAsync(first.Reservation, 0.1m);
        Assert.True((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.6m, default)).Admitted);
    }

    public static async Task A_key_budget_and_its_tenant_budget_must_both_cover_the_request_and_a_refusal_holds_nothing(LedgerFactory ledgerOf)
    {
        await using var ledger = ledgerOf(TimeProvider.System,
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

    public static async Task Daily_and_monthly_budgets_start_again_at_the_utc_boundary_and_total_never_does(LedgerFactory ledgerOf)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 31, 23, 59, 0, TimeSpan.Zero));
        await using var ledger = ledgerOf(clock,
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

    public static async Task Reservations_of_a_holder_that_never_settles_expire(LedgerFactory ledgerOf)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var ledger = ledgerOf(clock, new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total));
        Assert.True((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.9m, default)).Admitted); // never settled: its holder "crashed"
        Assert.False((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default)).Admitted);

        clock.Advance(TimeSpan.FromMinutes(11)); // past the 10-minute TTL
        Assert.True((await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default)).Admitted);
    }

    public static async Task A_settle_repeated_after_its_answer_was_lost_books_once(LedgerFactory ledgerOf)
    {
        await using var ledger = ledgerOf(TimeProvider.System, new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total));
        var admission = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default);
        await ledger.SettleAsync(admission.Reservation, 0.2m);
        // What a retry does when the first settle committed but its answer never came back.
        await ledger.SettleAsync(admission.Reservation, 0.2m);

        var snapshot = await ledger.SnapshotAsync("tenant:t");
        Assert.Equal(0.2m, snapshot.SpentUsd);
        Assert.Equal(0m, snapshot.ReservedUsd);
    }

    public static async Task A_settle_after_its_reservation_expired_books_the_spend_once_without_releasing_the_hold_twice(LedgerFactory ledgerOf)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var ledger = ledgerOf(clock, new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total));
        var late = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.6m, default);
        clock.Advance(TimeSpan.FromMinutes(11)); // past the 10-minute TTL: the next reservation's sweep releases the 0.6
        var other = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default);
        Assert.True(other.Admitted);

        // The spend happened (a settle retried for longer than the TTL, say): booked once, and the hold the sweep
        // released is not taken off again.
        await ledger.SettleAsync(late.Reservation, 0.3m);
        await ledger.SettleAsync(late.Reservation, 0.3m);
        var snapshot = await ledger.SnapshotAsync("tenant:t");
        Assert.Equal(0.3m, snapshot.SpentUsd);
        Assert.Equal(0.5m, snapshot.ReservedUsd);
    }
}
