using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Budget leases on the memory and SQLite stores: the lease scenarios, and the ledger's contract with leases on.</summary>
public sealed class BudgetLeaseTests : IDisposable
{
    private readonly TempDirectory _temp = new("crossroads-lease-");
    private readonly InMemorySpendStore _memory = new();

    public static TheoryData<string> Stores => ["memory", "sqlite"];

    public void Dispose() => _temp.Dispose();

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Requests_are_served_from_the_lease_and_their_spend_is_booked_at_the_next_renewal(string store) =>
        LeaseScenarios.Requests_are_served_from_the_lease_and_their_spend_is_booked_at_the_next_renewal(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Two_replicas_with_leases_never_pass_the_limit_together(string store) => LeaseScenarios.Two_replicas_with_leases_never_pass_the_limit_together(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task A_renewal_whose_answer_was_lost_is_sent_again_and_books_once(string store) => LeaseScenarios.A_renewal_whose_answer_was_lost_is_sent_again_and_books_once(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task While_the_store_is_down_a_lease_serves_until_its_grace_ends_and_books_everything_once_it_is_back(string store) =>
        LeaseScenarios.While_the_store_is_down_a_lease_serves_until_its_grace_ends_and_books_everything_once_it_is_back(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task The_lease_of_a_replica_that_died_is_released_when_it_expires(string store) => LeaseScenarios.The_lease_of_a_replica_that_died_is_released_when_it_expires(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Stopping_books_what_the_leases_spent_and_gives_them_back(string store) => LeaseScenarios.Stopping_books_what_the_leases_spent_and_gives_them_back(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task A_lease_released_by_the_sweep_while_its_replica_was_partitioned_is_granted_only_what_is_free(string store) =>
        LeaseScenarios.A_lease_released_by_the_sweep_while_its_replica_was_partitioned_is_granted_only_what_is_free(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Under_load_with_lost_renewal_answers_the_store_books_every_cost_once_and_holds_nothing_after_stopping(string store) =>
        LeaseScenarios.Under_load_with_lost_renewal_answers_the_store_books_every_cost_once_and_holds_nothing_after_stopping(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task Requests_still_in_flight_when_stopping_are_booked_and_their_holds_given_back(string store) =>
        LeaseScenarios.Requests_still_in_flight_when_stopping_are_booked_and_their_holds_given_back(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task A_request_of_the_past_day_after_its_lease_was_dropped_gets_a_new_lease(string store) =>
        LeaseScenarios.A_request_of_the_past_day_after_its_lease_was_dropped_gets_a_new_lease(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task A_snapshot_read_while_requests_and_a_renewal_go_on_counts_every_cost_once(string store) =>
        LeaseScenarios.A_snapshot_read_while_requests_and_a_renewal_go_on_counts_every_cost_once(Opener(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task A_request_above_the_lease_size_is_not_refused_for_room_this_replicas_own_lease_holds(string store) =>
        LeaseScenarios.A_request_above_the_lease_size_is_not_refused_for_room_this_replicas_own_lease_holds(Opener(store));

    // The ledger's contract holds with leases on.
    [Theory]
    [MemberData(nameof(Stores))]
    public Task With_leases_fifty_concurrent_reservations_never_pass_the_limit(string store) => LedgerScenarios.Fifty_concurrent_reservations_never_pass_the_limit(Leased(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task With_leases_held_reservations_count_against_the_limit_until_settled(string store) => LedgerScenarios.Held_reservations_count_against_the_limit_until_settled(Leased(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task With_leases_a_key_budget_and_its_tenant_budget_must_both_cover_the_request(string store) =>
        LedgerScenarios.A_key_budget_and_its_tenant_budget_must_both_cover_the_request_and_a_refusal_holds_nothing(Leased(store));

    [Theory]
    [MemberData(nameof(Stores))]
    public Task With_leases_daily_and_monthly_budgets_start_again_at_the_utc_boundary(string store) =>
        LedgerScenarios.Daily_and_monthly_budgets_start_again_at_the_utc_boundary_and_total_never_does(Leased(store));

    private SpendStoreOpener Opener(string store) => store == "sqlite"
        ? async ct => await SqliteSpendStore.OpenAsync(_temp.Path, ct)
        : _ => Task.FromResult<ISpendStore>(_memory);

    private LedgerFactory Leased(string store) => (time, accounts) =>
        new BudgetLedger(accounts, ct => Opener(store)(ct), time, TimeSpan.FromMinutes(10), leases: new BudgetLeaseOptions(1m, TimeSpan.FromMilliseconds(50)));
}
