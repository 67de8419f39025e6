using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Tests;

[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;

/// <summary>The ledger's contract on PostgreSQL (each test on its own database), plus two ledgers sharing one database as two replicas do.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresLedgerTests(PostgresServer postgres)
{
    [PostgresFact]
    public async Task Fifty_concurrent_reservations_never_pass_the_limit() => await LedgerScenarios.Fifty_concurrent_reservations_never_pass_the_limit(await FactoryAsync());

    [PostgresFact]
    public async Task Held_reservations_count_against_the_limit_until_settled() => await LedgerScenarios.Held_reservations_count_against_the_limit_until_settled(await FactoryAsync());

    [PostgresFact]
    public async Task A_key_budget_and_its_tenant_budget_must_both_cover_the_request_and_a_refusal_holds_nothing() =>
        await LedgerScenarios.A_key_budget_and_its_tenant_budget_must_both_cover_the_request_and_a_refusal_holds_nothing(await FactoryAsync());

    [PostgresFact]
    public async Task Daily_and_monthly_budgets_start_again_at_the_utc_boundary_and_total_never_does() =>
        await LedgerScenarios.Daily_and_monthly_budgets_start_again_at_the_utc_boundary_and_total_never_does(await FactoryAsync());

    [PostgresFact]
    public async Task Reservations_of_a_holder_that_never_settles_expire() => await LedgerScenarios.Reservations_of_a_holder_that_never_settles_expire(await FactoryAsync());

    [PostgresFact]
    public async Task A_settle_repeated_after_its_answer_was_lost_books_once() => await LedgerScenarios.A_settle_repeated_after_its_answer_was_lost_books_once(await FactoryAsync());

    [PostgresFact]
    public async Task A_settle_after_its_reservation_expired_books_the_spend_once_without_releasing_the_hold_twice() =>
        await LedgerScenarios.A_settle_after_its_reservation_expired_books_the_spend_once_without_releasing_the_hold_twice(await FactoryAsync());

    [PostgresFact]
    public async Task A_settle_during_a_database_outage_is_booked_once_the_database_is_back()
    {
        string database = await postgres.CreateDatabaseAsync();
        await using var ledger = new BudgetLedger(
            [new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total)],
            async ct => await PostgresSpendStore.OpenAsync(database, ct),
            TimeProvider.System,
            TimeSpan.FromMinutes(10),
            settleRetryDelay: TimeSpan.FromMilliseconds(50));
        var admission = await ledger.ReserveAsync(new BudgetPayer("t", null), 0.5m, default);

        await postgres.StopAsync();
        try
        {
            await ledger.SettleAsync(admission.Reservation, 0.2m);
            Assert.Equal(1, ledger.SettlesPending);
            await BudgetLedgerTests.WaitUntilAsync(() => ledger.SettleFailures >= 2); // retried while the database is down
            Assert.Equal(1, ledger.SettlesPending);
        }
        finally
        {
            await postgres.StartAgainAsync();
        }

        await BudgetLedgerTests.WaitUntilAsync(() => ledger.SettlesPending == 0);
        var snapshot = await ledger.SnapshotAsync("tenant:t");
        Assert.Equal((0.2m, 0m), (snapshot.SpentUsd, snapshot.ReservedUsd));
        Assert.Equal(0, ledger.SettlesAbandoned);
    }

    [PostgresFact]
    public async Task A_reservation_of_a_crashed_replica_is_released_by_the_other_replica_after_it_expires()
    {
        var factory = await FactoryAsync();
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var account = new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total);
        await using (var crashed = factory(clock, account))
        {
            Assert.True((await crashed.ReserveAsync(new BudgetPayer("t", null), 0.8m, default)).Admitted); // never settled
        }

        await using var survivor = factory(clock, account);
        Assert.Equal("tenant:t", (await survivor.ReserveAsync(new BudgetPayer("t", null), 0.5m, default)).RefusedBy);
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.True((await survivor.ReserveAsync(new BudgetPayer("t", null), 0.5m, default)).Admitted);
    }

    [PostgresFact]
    public async Task Leases_serve_requests_and_book_their_spend_at_the_next_renewal() =>
        await LeaseScenarios.Requests_are_served_from_the_lease_and_their_spend_is_booked_at_the_next_renewal(await OpenerAsync());

    [PostgresFact]
    public async Task Two_replicas_with_leases_never_pass_the_limit_together() => await LeaseScenarios.Two_replicas_with_leases_never_pass_the_limit_together(await OpenerAsync());

    [PostgresFact]
    public async Task A_lease_renewal_whose_answer_was_lost_books_once() => await LeaseScenarios.A_renewal_whose_answer_was_lost_is_sent_again_and_books_once(await OpenerAsync());

    [PostgresFact]
    public async Task The_lease_of_a_replica_that_died_is_released_when_it_expires() => await LeaseScenarios.The_lease_of_a_replica_that_died_is_released_when_it_expires(await OpenerAsync());

    [PostgresFact]
    public async Task Stopping_books_what_the_leases_spent_and_gives_them_back() => await LeaseScenarios.Stopping_books_what_the_leases_spent_and_gives_them_back(await OpenerAsync());

    [PostgresFact]
    public async Task A_lease_released_by_the_sweep_while_its_replica_was_partitioned_is_granted_only_what_is_free() =>
        await LeaseScenarios.A_lease_released_by_the_sweep_while_its_replica_was_partitioned_is_granted_only_what_is_free(await OpenerAsync());

    [PostgresFact]
    public async Task Requests_still_in_flight_when_stopping_are_booked_and_their_holds_given_back() =>
        await LeaseScenarios.Requests_still_in_flight_when_stopping_are_booked_and_their_holds_given_back(await OpenerAsync());

    [PostgresFact]
    public async Task A_request_of_the_past_day_after_its_lease_was_dropped_gets_a_new_lease() =>
        await LeaseScenarios.A_request_of_the_past_day_after_its_lease_was_dropped_gets_a_new_lease(await OpenerAsync());

    [PostgresFact]
    public async Task A_snapshot_read_while_requests_and_a_renewal_go_on_counts_every_cost_once() =>
        await LeaseScenarios.A_snapshot_read_while_requests_and_a_renewal_go_on_counts_every_cost_once(await OpenerAsync());

    [PostgresFact]
    public async Task Under_load_with_lost_renewal_answers_the_store_books_every_cost_once_and_holds_nothing_after_stopping() =>
        await LeaseScenarios.Under_load_with_lost_renewal_answers_the_store_books_every_cost_once_and_holds_nothing_after_stopping(await OpenerAsync());

    [PostgresFact]
    public async Task With_leases_fifty_concurrent_reservations_never_pass_the_limit()
    {
        string database = await postgres.CreateDatabaseAsync();
        await LedgerScenarios.Fifty_concurrent_reservations_never_pass_the_limit((time, accounts) => new BudgetLedger(
            accounts, async ct => await PostgresSpendStore.OpenAsync(database, ct), time, TimeSpan.FromMinutes(10), leases: new BudgetLeaseOptions(1m, TimeSpan.FromMilliseconds(50))));
    }

    [PostgresFact]
    public async Task A_request_above_the_lease_size_is_not_refused_for_room_this_replicas_own_lease_holds() =>
        await LeaseScenarios.A_request_above_the_lease_size_is_not_refused_for_room_this_replicas_own_lease_holds(await OpenerAsync());

    private async Task<SpendStoreOpener> OpenerAsync()
    {
        string database = await postgres.CreateDatabaseAsync();
        return async ct => await PostgresSpendStore.OpenAsync(database, ct);
    }

    private async Task<LedgerFactory> FactoryAsync()
    {
        string database = await postgres.CreateDatabaseAsync();
        return (time, accounts) => new BudgetLedger(accounts, async ct => await PostgresSpendStore.OpenAsync(database, ct), time, TimeSpan.FromMinutes(10));
    }
}
