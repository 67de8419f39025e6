using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Opens a new handle on one shared spend store (each replica's own connection; the same instance in memory).</summary>
public delegate Task<ISpendStore> SpendStoreOpener(CancellationToken cancellationToken);

/// <summary>
/// Budget leases (per-replica slices served in memory), run on every store: memory and SQLite in
/// <see cref="BudgetLeaseTests"/>, PostgreSQL in <see cref="PostgresLedgerTests"/>. What each checks in the store is read
/// from it directly, not through a ledger, so a lease cannot hide what it has not booked.
/// </summary>
public static class LeaseScenarios
{
    private static readonly BudgetAccount Tenant = new("tenant:t", 10m, BudgetPeriod.Total);
    private static readonly BudgetPayer Payer = new("t", null);

    public static async Task Requests_are_served_from_the_lease_and_their_spend_is_booked_at_the_next_renewal(SpendStoreOpener open)
    {
        var store = new FlakySpendStore(await open(default));
        await using var ledger = Ledger(store, TimeProvider.System, Manual(), Tenant);
        for (int i = 0; i < 100; i++)
        {
            var admission = await ledger.ReserveAsync(Payer, 0.01m, default);
            Assert.True(admission.Admitted);
            await ledger.SettleAsync(admission.Reservation, 0.004m);
        }

        // A handful of renewals (the lease grows with demand), no reservation of its own per request.
        Assert.InRange(store.RenewalCalls, 1, 10);
        Assert.Equal(0, store.ReserveCalls);
        Assert.Equal(100, ledger.LeaseAdmissions);
        // Renewals the lease needed to grow booked some of it; the rest waits for the next renewal.
        Assert.InRange(await SpentInStoreAsync(open), 0m, 0.396m);
        // This replica's view counts what its lease spent and has not booked yet.
        var view = await ledger.SnapshotAsync(Tenant.Id);
        Assert.Equal((0.4m, 0m, 9.6m), (view.SpentUsd, view.ReservedUsd, view.RemainingUsd));

        await ledger.FlushLeasesAsync();
        Assert.Equal(0.4m, await SpentInStoreAsync(open));
        Assert.True(await ReservedInStoreAsync(open) > 0, "the lease keeps room for the traffic it saw");
        await ledger.FlushLeasesAsync(); // idle since the last renewal: the lease gives its room back
        Assert.Equal((0.4m, 0m), (await SpentInStoreAsync(open), await ReservedInStoreAsync(open)));
        Assert.Equal(9.6m, (await ledger.SnapshotAsync(Tenant.Id)).RemainingUsd);
    }

    public static async Task Two_replicas_with_leases_never_pass_the_limit_together(SpendStoreOpener open)
    {
        var account = new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total);
        var options = new BudgetLeaseOptions(0.5m, TimeSpan.FromMilliseconds(20));
        var replicas = new[]
        {
            Ledger(new FlakySpendStore(await open(default)), TimeProvider.System, options, account),
            Ledger(new FlakySpendStore(await open(default)), TimeProvider.System, options, account),
        };
        using var start = new Barrier(80);
        var admitted = new bool[80];
        var threads = Enumerable.Range(0, 80).Select(i => new Thread(() =>
        {
            var ledger = replicas[i % 2];
            start.SignalAndWait();
            var admission = ledger.ReserveAsync(Payer, 0.05m, default).AsTask().GetAwaiter().GetResult();
            if (admission.Admitted)
            {
                Thread.Sleep(2);
                ledger.SettleAsync(admission.Reservation, 0.03m).AsTask().GetAwaiter().GetResult();
            }

            admitted[i] = admission.Admitted;
        })).ToList();
        threads.ForEach(static t => t.Start());
        threads.ForEach(static t => t.Join());
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync(); // books what the leases spent and gives them back
        }

        int served = admitted.Count(static a => a);
        Assert.True(served >= 20, $"only {served} of 80 admitted: 20 fit the limit even before any settled");
        Assert.Equal(0.03m * served, await SpentInStoreAsync(open));
        Assert.True(0.03m * served <= 1m);
        Assert.Equal(0m, await ReservedInStoreAsync(open));
    }

    public static async Task A_renewal_whose_answer_was_lost_is_sent_again_and_books_once(SpendStoreOpener open)
    {
        var store = new FlakySpendStore(await open(default));
        await using var ledger = Ledger(store, TimeProvider.System, Manual(), Tenant);
        var first = await ledger.ReserveAsync(Payer, 0.1m, default);
        await ledger.SettleAsync(first.Reservation, 0.05m);

        store.LoseRenewalAnswers = 1;
        await ledger.FlushLeasesAsync(); // committed, the answer lost
        Assert.Equal(1, ledger.LeaseRenewalFailures);
        Assert.Equal(0.05m, await SpentInStoreAsync(open));
        // Until the outcome is known the lease keeps serving from what both outcomes cover.
        var during = await ledger.ReserveAsync(Payer, 0.01m, default);
        Assert.True(during.Admitted);
        Assert.Equal(0, store.ReserveCalls);
        Assert.Equal(0.05m, (await ledger.SnapshotAsync(Tenant.Id)).SpentUsd);
        await ledger.SettleAsync(during.Reservation, 0.01m);

        await ledger.FlushLeasesAsync(); // the same renewal again: the store finds it applied and books nothing
        Assert.Equal(0.05m, await SpentInStoreAsync(open));
        await ledger.FlushLeasesAsync(); // the next one books the request served meanwhile
        Assert.Equal(0.06m, await SpentInStoreAsync(open));
        Assert.Equal(0.06m, (await ledger.SnapshotAsync(Tenant.Id)).SpentUsd);
    }

    public static async Task While_the_store_is_down_a_lease_serves_until_its_grace_ends_and_books_everything_once_it_is_back(SpendStoreOpener open)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var store = new FlakySpendStore(await open(default));
        await using var ledger = Ledger(store, clock, Manual() with { Grace = TimeSpan.FromSeconds(60) }, Tenant);
        for (int i = 0; i < 4; i++)
        {
            var a = await ledger.ReserveAsync(Payer, 0.1m, default);
            await ledger.SettleAsync(a.Reservation, 0.05m);
        }

        store.Down = true;
        await ledger.FlushLeasesAsync();
        Assert.True(ledger.LeaseRenewalFailures >= 1);
        clock.Advance(TimeSpan.FromSeconds(30));
        var within = await ledger.ReserveAsync(Payer, 0.1m, default);
        Assert.True(within.Admitted); // from the lease, with the store down
        await ledger.SettleAsync(within.Reservation, 0.05m);

        clock.Advance(TimeSpan.FromSeconds(31)); // past the grace: the lease is not usable, the store cannot answer
        await Assert.ThrowsAsync<SpendStoreUnavailableException>(async () => await ledger.ReserveAsync(Payer, 0.1m, default));

        store.Down = false;
        await ledger.FlushLeasesAsync(); // the renewal sent during the outage, then
        await ledger.FlushLeasesAsync(); // the spend served during it
        Assert.Equal(0.25m, await SpentInStoreAsync(open));
        Assert.True((await ledger.ReserveAsync(Payer, 0.1m, default)).Admitted);
    }

    public static async Task The_lease_of_a_replica_that_died_is_released_when_it_expires(SpendStoreOpener open)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var account = new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total);
        var died = Ledger(new FlakySpendStore(await open(default)), clock, Manual(), account);
        Assert.True((await died.ReserveAsync(Payer, 0.8m, default)).Admitted); // its lease holds 0.8; it never renews again

        await using var survivor = Ledger(new FlakySpendStore(await open(default)), clock, Manual(), account);
        var refused = await survivor.ReserveAsync(Payer, 0.5m, default);
        Assert.Equal("tenant:t", refused.RefusedBy);
        Assert.True(refused.RemainingUsd <= 0.2m);

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(61)); // the request timeout plus the lease's grace
        var after = await survivor.ReserveAsync(Payer, 0.5m, default);
        Assert.True(after.Admitted, $"refused by {after.RefusedBy}, {after.RemainingUsd} left; in the store {await ReservedInStoreAsync(open)} reserved");
        await died.DisposeAsync();
    }

    public static async Task A_lease_released_by_the_sweep_while_its_replica_was_partitioned_is_granted_only_what_is_free(SpendStoreOpener open)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var account = new BudgetAccount("tenant:t", 1m, BudgetPeriod.Total);
        var partitioned = new FlakySpendStore(await open(default));
        await using var alive = Ledger(partitioned, clock, Manual(), account);
        var first = await alive.ReserveAsync(Payer, 0.1m, default);
        await alive.SettleAsync(first.Reservation, 0.05m); // the lease holds room beyond what was spent

        partitioned.Down = true;
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(61)); // cut off from the store past the lease's expiry
        await alive.FlushLeasesAsync(); // the renewal (keeping the lease's room) does not reach the store

        // Another replica's sweep releases the lease and the account's room goes to that replica's requests.
        await using var other = new BudgetLedger([account], _ => open(default), clock, TimeSpan.FromMinutes(10));
        var big = await other.ReserveAsync(Payer, 0.9m, default);
        Assert.True(big.Admitted);

        partitioned.Down = false;
        await alive.FlushLeasesAsync(); // the renewal sent during the partition reaches the store after the sweep
        var (spent, reserved) = await ReadAsync(open);
        Assert.True(spent + reserved <= UsdNanos.LimitFrom(1m), $"spent {UsdNanos.ToUsd(spent)} + reserved {UsdNanos.ToUsd(reserved)} pass the limit");
        Assert.Equal(0.05m, UsdNanos.ToUsd(spent));
        await other.SettleAsync(big.Reservation, 0.9m);
    }

    public static async Task Requests_still_in_flight_when_stopping_are_booked_and_their_holds_given_back(SpendStoreOpener open)
    {
        var store = new FlakySpendStore(await open(default));
        var ledger = Ledger(store, TimeProvider.System, Manual(), Tenant);
        var done = await ledger.ReserveAsync(Payer, 0.2m, default);
        await ledger.SettleAsync(done.Reservation, 0.1m);
        var first = await ledger.ReserveAsync(Payer, 0.2m, default);
        var second = await ledger.ReserveAsync(Payer, 0.2m, default);
        Assert.Equal(1, store.RenewalCalls); // all served by the lease's first grant

        using var gate = new SemaphoreSlim(0);
        store.RenewalGate = gate;
        var stopping = ledger.DisposeAsync().AsTask();
        await BudgetLedgerTests.WaitUntilAsync(() => store.RenewalCalls >= 2); // the closing renewal is out, keeping both holds
        var settlingFirst = ledger.SettleAsync(first.Reservation, 0.15m).AsTask();
        gate.Release();
        await BudgetLedgerTests.WaitUntilAsync(() => store.RenewalCalls >= 3); // the next one, booking the first request
        var settlingSecond = ledger.SettleAsync(second.Reservation, 0.15m).AsTask(); // after that renewal was sent
        gate.Release(10);
        await Task.WhenAll(settlingFirst, settlingSecond, stopping);

        Assert.Equal((0.4m, 0m), (await SpentInStoreAsync(open), await ReservedInStoreAsync(open)));
    }

    public static async Task Stopping_books_what_the_leases_spent_and_gives_them_back(SpendStoreOpener open)
    {
        var ledger = Ledger(new FlakySpendStore(await open(default)), TimeProvider.System, Manual(), Tenant, new BudgetAccount("key:k", 5m, BudgetPeriod.Daily));
        for (int i = 0; i < 10; i++)
        {
            var a = await ledger.ReserveAsync(new BudgetPayer("t", "k"), 0.2m, default);
            await ledger.SettleAsync(a.Reservation, 0.125m);
        }

        Assert.True(ledger.LeasedUsd > 0);
        await ledger.DisposeAsync();
        Assert.Equal((1.25m, 0m), (await SpentInStoreAsync(open), await ReservedInStoreAsync(open)));
        await using var reader = await open(default);
        var (keySpent, keyReserved) = await reader.ReadAsync("key:k", BudgetPeriods.Key(BudgetPeriod.Daily, DateTimeOffset.UtcNow), default);
        Assert.Equal((1_250_000_000L, 0L), (keySpent, keyReserved));
    }

    public static async Task A_request_of_the_past_day_after_its_lease_was_dropped_gets_a_new_lease(SpendStoreOpener open)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 23, 59, 0, TimeSpan.Zero));
        var store = new FlakySpendStore(await open(default));
        await using var leases = new BudgetLeases(
            Manual(),
            _ => Task.FromResult<ISpendStore>(store),
            static (_, _, _) => Task.CompletedTask,
            static (_, now) => BudgetPeriods.Key(BudgetPeriod.Daily, now),
            clock,
            TimeSpan.FromMinutes(10));
        SpendLine[] yesterday = [new("key:k", "d2026-06-01", UsdNanos.LimitFrom(1m))];
        var first = await leases.TryAdmitAsync(yesterday, 100_000_000, default);
        Assert.NotNull(first);
        first.Single().Settle(100_000_000, 50_000_000);

        clock.Advance(TimeSpan.FromMinutes(2)); // the next day: the lease books its spend, gives its room back, is dropped
        await leases.FlushAsync();
        await leases.FlushAsync();
        Assert.Null(leases.Find("key:k", "d2026-06-01"));

        // A request whose lines were computed just before midnight reaches the leases only now.
        var late = await leases.TryAdmitAsync(yesterday, 100_000_000, default);
        Assert.NotNull(late);
        late.Single().Settle(100_000_000, 50_000_000);
        await leases.CloseAsync(TimeSpan.FromSeconds(5));
        await using var reader = await open(default);
        Assert.Equal((100_000_000L, 0L), await reader.ReadAsync("key:k", "d2026-06-01", default));
        Assert.Equal(0, leases.RenewalFailures);
    }

    public static async Task A_snapshot_read_while_requests_and_a_renewal_go_on_counts_every_cost_once(SpendStoreOpener open)
    {
        var store = new FlakySpendStore(await open(default));
        await using var ledger = Ledger(store, TimeProvider.System, Manual(), Tenant);
        var first = await ledger.ReserveAsync(Payer, 0.1m, default);
        await ledger.SettleAsync(first.Reservation, 0.05m);

        // Busy traffic: a request settles during every read of the store, and a renewal books them all during the
        // fourth read (after the store's answer was read).
        int reads = 0;
        store.AfterReadLease = () =>
        {
            if (++reads <= 3)
            {
                var more = ledger.ReserveAsync(Payer, 0.01m, default).AsTask().GetAwaiter().GetResult();
                ledger.SettleAsync(more.Reservation, 0.01m).AsTask().GetAwaiter().GetResult();
            }
            else if (reads == 4)
            {
                ledger.FlushLeasesAsync().GetAwaiter().GetResult();
            }
        };
        var view = await ledger.SnapshotAsync(Tenant.Id);
        store.AfterReadLease = null;

        decimal settled = 0.05m + (Math.Min(reads, 3) * 0.01m);
        Assert.Equal(settled, view.SpentUsd);
        Assert.Equal(settled, (await ledger.SnapshotAsync(Tenant.Id)).SpentUsd);
    }

    /// <summary>
    /// Two replicas, eight threads, requests of one and of two accounts, renewals every 2 ms with answers lost now and
    /// then: once every request settled and both replicas stopped, the store holds nothing and has booked exactly what
    /// the requests cost (each once), within the limits.
    /// </summary>
    public static async Task Under_load_with_lost_renewal_answers_the_store_books_every_cost_once_and_holds_nothing_after_stopping(SpendStoreOpener open)
    {
        var tenant = new BudgetAccount("tenant:t", 5m, BudgetPeriod.Total);
        var key = new BudgetAccount("key:k", 3m, BudgetPeriod.Total);
        var options = new BudgetLeaseOptions(0.5m, TimeSpan.FromMilliseconds(2));
        var stores = new[] { new FlakySpendStore(await open(default)), new FlakySpendStore(await open(default)) };
        var replicas = stores.Select(s => Ledger(s, TimeProvider.System, options, tenant, key)).ToArray();
        var booked = new long[2]; // tenant, key
        using var stop = new CancellationTokenSource();
        var losing = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                stores[i % 2].LoseRenewalAnswers = 1;
                await Task.Delay(3);
            }
        });
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            var ledger = replicas[t % 2];
            for (int i = 0; i < 300; i++)
            {
                var payer = random.Next(2) == 0 ? new BudgetPayer("t", "k") : new BudgetPayer("t", null);
                decimal estimate = random.Next(1, 50) / 1000m;
                var admission = ledger.ReserveAsync(payer, estimate, default).AsTask().GetAwaiter().GetResult();
                if (!admission.Admitted)
                {
                    continue;
                }

                decimal actual = random.Next(0, (int)(estimate * 1000) + 1) / 1000m;
                ledger.SettleAsync(admission.Reservation, actual).AsTask().GetAwaiter().GetResult();
                Interlocked.Add(ref booked[0], UsdNanos.From(actual));
                if (payer.Key is not null)
                {
                    Interlocked.Add(ref booked[1], UsdNanos.From(actual));
                }
            }
        })).ToList();
        threads.ForEach(static t => t.Start());
        threads.ForEach(static t => t.Join());
        await stop.CancelAsync();
        await losing;
        foreach (var s in stores)
        {
            s.LoseRenewalAnswers = 0;
        }

        foreach (var replica in replicas)
        {
            await replica.FlushLeasesAsync(); // learns the outcome of a renewal whose answer was lost
            await replica.DisposeAsync();
        }

        Assert.Equal(0, replicas.Sum(static r => r.SettlesAbandoned));
        await using var reader = await open(default);
        var tenantBalance = await reader.ReadAsync(tenant.Id, "total", default);
        var keyBalance = await reader.ReadAsync(key.Id, "total", default);
        Assert.Equal((booked[0], 0L), tenantBalance);
        Assert.Equal((booked[1], 0L), keyBalance);
        Assert.True(booked[0] <= UsdNanos.LimitFrom(tenant.LimitUsd) && booked[1] <= UsdNanos.LimitFrom(key.LimitUsd));
    }

    public static async Task A_request_above_the_lease_size_is_not_refused_for_room_this_replicas_own_lease_holds(SpendStoreOpener open)
    {
        var key = new BudgetAccount("key:k", 0.5m, BudgetPeriod.Total);
        var store = new FlakySpendStore(await open(default));
        await using var ledger = Ledger(store, TimeProvider.System, Manual() with { MaxUsd = 0.25m }, key);
        var payer = new BudgetPayer("unlimited", "k");
        for (int i = 0; i < 2; i++)
        {
            var small = await ledger.ReserveAsync(payer, 0.1m, default);
            Assert.True(small.Admitted);
            await ledger.SettleAsync(small.Reservation, 0.05m);
        }

        Assert.True(ledger.LeasedUsd > 0.1m, $"the lease holds {ledger.LeasedUsd}");
        // Above MaxUsd: reserved in the store, where the lease's room counts as held. 0.4 of the 0.5 is left.
        var large = await ledger.ReserveAsync(payer, 0.3m, default);
        Assert.True(large.Admitted, $"refused by {large.RefusedBy} with {large.RemainingUsd} left");
        Assert.Equal(1, store.ReserveCalls - 1); // refused once, given back, reserved
        await ledger.SettleAsync(large.Reservation, 0.3m);
        var refused = await ledger.ReserveAsync(payer, 0.3m, default);
        Assert.Equal(("key:k", 0.1m), (refused.RefusedBy, refused.RemainingUsd));
    }

    /// <summary>Leases renewed only when a test flushes (the background loop waits an hour).</summary>
    private static BudgetLeaseOptions Manual() => new(1m, TimeSpan.FromHours(1));

    private static BudgetLedger Ledger(FlakySpendStore store, TimeProvider time, BudgetLeaseOptions options, params BudgetAccount[] accounts) =>
        new(accounts, _ => Task.FromResult<ISpendStore>(store), time, TimeSpan.FromMinutes(10), leases: options);

    private static async Task<decimal> SpentInStoreAsync(SpendStoreOpener open) => UsdNanos.ToUsd((await ReadAsync(open)).Spent);

    private static async Task<decimal> ReservedInStoreAsync(SpendStoreOpener open) => UsdNanos.ToUsd((await ReadAsync(open)).Reserved);

    private static async Task<(long Spent, long Reserved)> ReadAsync(SpendStoreOpener open)
    {
        var store = await open(default);
        await using (store)
        {
            return await store.ReadAsync(Tenant.Id, "total", default);
        }
    }
}
