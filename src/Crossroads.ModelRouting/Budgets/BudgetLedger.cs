using System.Collections.Frozen;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Budgets;

/// <summary>
/// USD spend limits per API key and per tenant, each over a period (daily, monthly, total; UTC boundaries). A request
/// reserves its worst-case estimate on every limited account of its payer before any upstream call
/// (<see cref="ReserveAsync"/>: all or none, refused when spent + reserved + estimate would pass a limit) and settles
/// to the actual cost afterwards (<see cref="SettleAsync"/>). The arithmetic happens in the <see cref="ISpendStore"/>
/// (one transaction per reservation), so concurrent requests — in this process or in replicas sharing the store —
/// can never together pass a limit, as long as upstreams honour the <c>max_tokens</c> the reservation assumed.
/// <para>
/// Cost on the hot path: a payer without limits touches nothing but two frozen-dictionary lookups (no store, no lock);
/// only payers with a limit pay the store's round trips (reserve, settle). The store is opened on first use, so a
/// deployment without budgets never creates a database.
/// </para>
/// <para>
/// Reservations carry an expiry (<c>reservationTtl</c>, longer than any request may run); reservations of a replica
/// that died before settling are released by the sweep every reserve runs at most once per <c>ttl / 4</c>. A settle
/// the store does not take (store down) is counted in <see cref="SettleFailures"/> and retried in the background
/// (<see cref="SettleRetries"/>: 1 s, doubling up to 30 s, oldest first) until the store takes it: the spend is booked
/// once the store is back, exactly once (a store settles a reservation at most once), also after its hold expired.
/// Only settles still pending when the process stops (after one last attempt) are lost: <see cref="SettlesAbandoned"/>.
/// </para>
/// </summary>
public sealed class BudgetLedger : IAsyncDisposable
{
    private readonly FrozenDictionary<string, BudgetAccount> _accounts;
    private readonly Func<CancellationToken, Task<ISpendStore>> _open;
    private readonly TimeProvider _time;
    private readonly TimeSpan _reservationTtl;
    private readonly Lock _openGate = new();
    private readonly SettleRetries _retries;
    private readonly BudgetLeases? _leases;
    private Task<ISpendStore>? _store;
    private long _nextSweepTicks;
    private long _settleFailures;

    /// <summary>A ledger of tenants' total limits (USD) kept in memory.</summary>
    public BudgetLedger(IReadOnlyDictionary<string, decimal> tenantLimits)
        : this(
            (tenantLimits ?? throw new ArgumentNullException(nameof(tenantLimits))).Select(static t => new BudgetAccount(BudgetAccount.TenantId(t.Key), t.Value, BudgetPeriod.Total)),
            static _ => Task.FromResult<ISpendStore>(new InMemorySpendStore()),
            TimeProvider.System,
            TimeSpan.FromMinutes(10))
    {
    }

    /// <summary>A ledger of <paramref name="accounts"/> whose spend lives in the store <paramref name="openStore"/> opens (on first use).</summary>
    /// <remarks>
    /// <paramref name="settleRetryDelay"/>: the wait before a failed settle is first tried again (default 1 s; it doubles
    /// per failed round, up to 30 s). <paramref name="leases"/>: serve requests from per-replica leases (see
    /// <see cref="BudgetLeaseOptions"/>) instead of a store reservation each; null: every request reserves in the store.
    /// </remarks>
    public BudgetLedger(IEnumerable<BudgetAccount> accounts, Func<CancellationToken, Task<ISpendStore>> openStore, TimeProvider time, TimeSpan reservationTtl, TimeSpan? settleRetryDelay = null, BudgetLeaseOptions? leases = null)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(reservationTtl, TimeSpan.Zero);
        _accounts = accounts.ToFrozenDictionary(static a => a.Id, StringComparer.Ordinal);
        _open = openStore ?? throw new ArgumentNullException(nameof(openStore));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _reservationTtl = reservationTtl;
        var firstRetry = settleRetryDelay ?? TimeSpan.FromSeconds(1);
        _retries = new SettleRetries(
            SettleOnceAsync,
            () => Interlocked.Increment(ref _settleFailures),
            time,
            firstRetry,
            firstRetry > MaxSettleRetryDelay ? firstRetry : MaxSettleRetryDelay,
            SettleQueueCapacity);
        if (leases is not null)
        {
            _leases = new BudgetLeases(leases, StoreAsync, SweepIfDueAsync, CurrentPeriod, time, reservationTtl);
        }
    }

    /// <summary>The longest wait between two rounds of settle retries.</summary>
    public static readonly TimeSpan MaxSettleRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>The most failed settles kept for retrying (beyond it the oldest is abandoned).</summary>
    public const int SettleQueueCapacity = 100_000;

    /// <summary>Settle attempts the store did not take (the first and each retry); the settle is retried.</summary>
    public long SettleFailures => Interlocked.Read(ref _settleFailures);

    /// <summary>Settles waiting for the store to be reachable again.</summary>
    public int SettlesPending => _retries.Pending;

    /// <summary>Settles given up (still pending at shutdown, or beyond <see cref="SettleQueueCapacity"/>): their spend was not booked.</summary>
    public long SettlesAbandoned => _retries.Abandoned;

    /// <summary>Lease renewals the store applied (0 without leases).</summary>
    public long LeaseRenewals => _leases?.Renewals ?? 0;

    /// <summary>Lease renewals the store did not take (each is sent again by the next).</summary>
    public long LeaseRenewalFailures => _leases?.RenewalFailures ?? 0;

    /// <summary>Reservations served from this replica's leases, without a store round trip of their own.</summary>
    public long LeaseAdmissions => _leases?.Admissions ?? 0;

    /// <summary>What this replica's leases hold in the store, USD.</summary>
    public decimal LeasedUsd => UsdNanos.ToUsd(_leases?.GrantedNanos ?? 0);

    /// <summary>Renews every lease that has work now (the background loop does this every flush interval).</summary>
    public Task FlushLeasesAsync(CancellationToken cancellationToken = default) => _leases?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Whether any account has a limit (else no store is ever opened).</summary>
    public bool HasAccounts => _accounts.Count > 0;

    /// <summary>The configured account, if any.</summary>
    public BudgetAccount? Find(string accountId) => _accounts.GetValueOrDefault(accountId);

    /// <summary>Whether <paramref name="payer"/>'s key or tenant has a limit.</summary>
    public bool IsLimited(BudgetPayer payer) =>
        _accounts.ContainsKey(BudgetAccount.TenantId(payer.Tenant)) || (payer.Key is { } k && _accounts.ContainsKey(BudgetAccount.KeyId(k)));

    /// <summary>
    /// Reserves <paramref name="amountUsd"/> on every limited account of <paramref name="payer"/>. Throws
    /// <see cref="SpendStoreUnavailableException"/> when the store cannot answer.
    /// </summary>
    public async ValueTask<BudgetAdmission> ReserveAsync(BudgetPayer payer, decimal amountUsd, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountUsd);
        var lines = LinesOf(payer);
        if (lines is null)
        {
            return new BudgetAdmission(BudgetReservation.None, null, decimal.MaxValue);
        }

        long amount = UsdNanos.From(amountUsd);
        if (_leases is not null && await _leases.TryAdmitAsync(lines, amount, cancellationToken).ConfigureAwait(false) is { } leased)
        {
            return new BudgetAdmission(new BudgetReservation(string.Empty, lines, amountUsd) { Leases = leased }, null, Remaining(lines, amount));
        }

        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await SweepIfDueAsync(store, now, cancellationToken).ConfigureAwait(false);
        string id = Guid.CreateVersion7().ToString("N");
        var outcome = await store.TryReserveAsync(id, lines, amount, now + _reservationTtl, cancellationToken).ConfigureAwait(false);
        if (outcome.RefusedLine >= 0 && _leases is not null
            && await _leases.GiveBackRoomAsync(lines[outcome.RefusedLine], outcome.RemainingNanos, amount, cancellationToken).ConfigureAwait(false))
        {
            // The refusing account had the room, held by this replica's own lease (a request above the lease size, or
            // one its leases could not take): given back, so the store decides on what is really free.
            outcome = await store.TryReserveAsync(id, lines, amount, now + _reservationTtl, cancellationToken).ConfigureAwait(false);
        }

        if (outcome.RefusedLine < 0)
        {
            return new BudgetAdmission(new BudgetReservation(id, lines, amountUsd), null, Remaining(lines, amount));
        }

        // The store counts this replica's lease as held; what the lease has left is this replica's to give.
        var refused = lines[outcome.RefusedLine];
        long remaining = outcome.RemainingNanos + (_leases?.Find(refused.Account, refused.Period)?.Available ?? 0);
        return new BudgetAdmission(BudgetReservation.None, refused.Account, UsdNanos.ToUsd(remaining));
    }

    /// <summary>
    /// Releases <paramref name="reservation"/> and books <paramref name="actualUsd"/> on its accounts. Never throws for
    /// store failures: the settle is then retried in the background (see <see cref="SettlesPending"/>), and while
    /// settles are pending new ones join the queue without trying the store first.
    /// </summary>
    public async ValueTask SettleAsync(BudgetReservation reservation, decimal actualUsd)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (!reservation.IsLimited)
        {
            return;
        }

        if (reservation.Leases is { } leases)
        {
            long held = UsdNanos.From(reservation.AmountUsd);
            long actual = UsdNanos.From(actualUsd);
            foreach (var lease in leases)
            {
                lease.Settle(held, actual);
            }

            // Booked by the leases' next renewal; after closing began, by this settle.
            await _leases!.SettledAsync(leases).ConfigureAwait(false);
            return;
        }

        var settle = new PendingSettle(reservation, UsdNanos.From(actualUsd));
        if (_retries.Pending > 0)
        {
            // The store did not take the last ones: queue behind them rather than hold this request up to the attempt's
            // timeout against a store that may hang; the retry loop books them in order once it is back.
            _retries.Add(settle);
            return;
        }

        try
        {
            // Not the request's token: the spend happened even when the client went away.
            await SettleOnceAsync(settle, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SpendStoreUnavailableException or OperationCanceledException)
        {
            Interlocked.Increment(ref _settleFailures);
            _retries.Add(settle);
        }
    }

    private async Task SettleOnceAsync(PendingSettle settle, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var store = await StoreAsync(timeout.Token).ConfigureAwait(false);
        await store.SettleAsync(settle.Reservation.Id, settle.Reservation.Lines, settle.ActualNanos, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>An account's limit, spend and open reservations in its current period.</summary>
    public async Task<BudgetSnapshot> SnapshotAsync(string accountId, CancellationToken cancellationToken = default)
    {
        var account = Find(accountId);
        if (account is null)
        {
            return new BudgetSnapshot(accountId, null, 0, 0);
        }

        // One instant for the key and the bounds, so an answer read at midnight describes one period.
        var now = _time.GetUtcNow();
        var (start, end) = BudgetPeriods.Bounds(account.Period, now);
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        string period = BudgetPeriods.Key(account.Period, now);
        var (spent, reserved) = _leases?.Find(accountId, period) is { } lease
            ? await ReadThroughLeaseAsync(store, lease, cancellationToken).ConfigureAwait(false)
            : await store.ReadAsync(accountId, period, cancellationToken).ConfigureAwait(false);
        return new BudgetSnapshot(accountId, account.LimitUsd, UsdNanos.ToUsd(spent), UsdNanos.ToUsd(reserved))
        {
            Period = account.Period,
            PeriodStart = start,
            PeriodEnd = end,
        };
    }

    /// <summary>
    /// The account's balance as this replica sees it: the store's, plus what its lease spent and has not booked yet, with
    /// the lease's unused room counted as free (it is this replica's to give) rather than reserved. Read again when a
    /// renewal moved the lease meanwhile, so a renewal's booking is counted once.
    /// </summary>
    private static async Task<(long Spent, long Reserved)> ReadThroughLeaseAsync(ISpendStore store, BudgetLease lease, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var before = lease.View();
            var b = await store.ReadLeaseAsync(lease.Line.Account, lease.Line.Period, lease.Id, cancellationToken).ConfigureAwait(false);
            var after = lease.View();
            // Requests taking and settling meanwhile are fine to read from after; a renewal completed meanwhile is not
            // (the store may have been read before it booked what after no longer counts as unbooked), so read again.
            // Comparing the whole view would retry on every request under load and give up inconsistent.
            if (before.Generation != after.Generation && attempt < 3)
            {
                continue;
            }

            // The store is at the lease's generation (the renewal out, if any, not applied yet: its booking is still
            // ours to count) or one past it (applied, the answer not back yet).
            long unbooked = after.Unbooked + (b.LeaseGeneration == after.Generation ? after.Booking : 0);
            return (b.Spent + unbooked, Math.Max(0, b.Reserved - b.LeaseAmount + after.Holds));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Leases give back what they hold and book what they spent, and pending settles get one last attempt (at most 5 s
    /// each); what the store still does not take is abandoned.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (_leases is not null)
        {
            await _leases.DisposeAsync().ConfigureAwait(false);
        }

        await _retries.DisposeAsync().ConfigureAwait(false);
        Task<ISpendStore>? store;
        lock (_openGate)
        {
            store = _store;
            _store = null;
        }

        if (store is { IsCompletedSuccessfully: true })
        {
            await store.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The limited accounts of the payer in account order (the store locks rows in this order), or null when none.</summary>
    private List<SpendLine>? LinesOf(BudgetPayer payer)
    {
        var now = _time.GetUtcNow();
        List<SpendLine>? lines = null;
        if (payer.Key is { } key && _accounts.TryGetValue(BudgetAccount.KeyId(key), out var keyAccount))
        {
            (lines ??= new(2)).Add(Line(keyAccount, now));
        }

        if (_accounts.TryGetValue(BudgetAccount.TenantId(payer.Tenant), out var tenantAccount))
        {
            (lines ??= new(1)).Add(Line(tenantAccount, now));
        }

        lines?.Sort(static (a, b) => string.CompareOrdinal(a.Account, b.Account));
        return lines;
    }

    private string? CurrentPeriod(string accountId, DateTimeOffset now) => Find(accountId) is { } a ? BudgetPeriods.Key(a.Period, now) : null;

    private static SpendLine Line(BudgetAccount account, DateTimeOffset now) =>
        new(account.Id, BudgetPeriods.Key(account.Period, now), UsdNanos.LimitFrom(account.LimitUsd));

    /// <summary>Remaining after this reservation, as far as the ledger knows without another round trip (the smallest limit's).</summary>
    private static decimal Remaining(List<SpendLine> lines, long amount) => UsdNanos.ToUsd(Math.Max(0, lines.Min(static l => l.LimitNanos) - amount));

    private async Task SweepIfDueAsync(ISpendStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long due = Interlocked.Read(ref _nextSweepTicks);
        long next = (now + (_reservationTtl / 4)).UtcTicks;
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, next, due) != due)
        {
            return;
        }

        await store.ExpireAsync(now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The module's store, opened on first use and shared (the rate-limit exchange of <see cref="Limits.SharedRateLimits"/>
    /// lives in the same database); a failed open is tried again by the next caller. The ledger disposes it.
    /// </summary>
    public Task<ISpendStore> StoreAsync(CancellationToken cancellationToken)
    {
        lock (_openGate)
        {
            // A failed open is forgotten so the next request tries again (the database may be back).
            if (_store is null || _store.IsFaulted || _store.IsCanceled)
            {
                _store = _open(CancellationToken.None);
            }

            return _store.WaitAsync(cancellationToken);
        }
    }
}
