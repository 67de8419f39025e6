using System.Collections.Concurrent;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Budgets;

/// <summary>
/// Per-replica slices of budgets: instead of two store transactions per request (reserve, settle), the replica holds a
/// lease per account and period — an amount the store holds for it, like one large reservation — and requests reserve
/// and settle against it in memory. A background loop renews each active lease every flush interval in one
/// transaction that books what was spent and resizes the lease to about twice the recent demand (at most
/// <see cref="BudgetLeaseOptions.MaxUsd"/>, and beyond what it keeps at most half of what is free on the account).
/// A request the lease has no room for waits for a renewal (shared by all such requests); if even that leaves no
/// room, the ledger reserves in the store directly, which is exact.
/// <para>
/// What stays true: every amount a request may spend is held in the store (by its lease or its reservation), so
/// replicas together never pass a limit. What changes: spend reaches the store up to one flush interval late, a
/// replica that dies loses what it spent since its last renewal (under-billing; its lease is released when it
/// expires, like a reservation), and near the limit a request may be refused while other replicas' leases still hold
/// a little (leases shrink there, and give back what they did not use at their next renewal).
/// </para>
/// </summary>
internal sealed class BudgetLeases : IAsyncDisposable
{
    private static readonly TimeSpan RenewalTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static long s_leaseCount;

    private readonly ConcurrentDictionary<(string Account, string Period), BudgetLease> _leases = new();
    private readonly Func<CancellationToken, Task<ISpendStore>> _store;
    private readonly Func<ISpendStore, DateTimeOffset, CancellationToken, Task> _sweep;
    private readonly Func<string, DateTimeOffset, string?> _currentPeriod;
    private readonly TimeProvider _time;
    private readonly TimeSpan _reservationTtl;
    private readonly long _maxNanos;
    private readonly TimeSpan _flushInterval;
    private readonly TimeSpan _grace;
    private readonly string _replica = Guid.CreateVersion7().ToString("N");
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _loopGate = new();
    private Task? _loop;
    private volatile bool _closed;
    private volatile bool _disposed;
    private long _renewals;
    private long _renewalFailures;
    private long _admissions;

    /// <param name="options">Lease size and timing.</param>
    /// <param name="store">Opens (or returns) the spend store.</param>
    /// <param name="sweep">Runs the store's expiry sweep when due (the ledger's, so one schedule covers both paths).</param>
    /// <param name="currentPeriod">The current period key of an account (null for an account no longer configured).</param>
    /// <param name="time">The clock.</param>
    /// <param name="reservationTtl">How long a request may run: a lease is used only while the store keeps it at least that much longer.</param>
    public BudgetLeases(
        BudgetLeaseOptions options,
        Func<CancellationToken, Task<ISpendStore>> store,
        Func<ISpendStore, DateTimeOffset, CancellationToken, Task> sweep,
        Func<string, DateTimeOffset, string?> currentPeriod,
        TimeProvider time,
        TimeSpan reservationTtl)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _sweep = sweep;
        _currentPeriod = currentPeriod;
        _time = time;
        _reservationTtl = reservationTtl;
        _maxNanos = UsdNanos.LimitFrom(options.MaxUsd);
        _flushInterval = options.FlushInterval;
        _grace = options.Grace;
    }

    /// <summary>Renewals the store applied.</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    /// <summary>Renewals that failed (store unreachable); each is sent again, unchanged, by the next one.</summary>
    public long RenewalFailures => Interlocked.Read(ref _renewalFailures);

    /// <summary>Requests admitted from leases (without a store round trip of their own).</summary>
    public long Admissions => Interlocked.Read(ref _admissions);

    /// <summary>What this replica's leases hold in the store, nano-USD.</summary>
    public long GrantedNanos => _leases.Values.Sum(static l => l.Granted);

    /// <summary>The lease of an account's period, if this replica has one.</summary>
    public BudgetLease? Find(string account, string period) => _leases.GetValueOrDefault((account, period));

    /// <summary>
    /// Takes <paramref name="amount"/> from this replica's lease of every line (all or none), renewing a lease that has
    /// no room once per line; null when some lease still has none (the caller reserves in the store instead).
    /// </summary>
    public async ValueTask<BudgetLease[]?> TryAdmitAsync(IReadOnlyList<SpendLine> lines, long amount, CancellationToken cancellationToken)
    {
        if (_closed || (_maxNanos > 0 && amount > _maxNanos))
        {
            return null;
        }

        var leases = new BudgetLease[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            leases[i] = LeaseOf(lines[i]);
        }

        EnsureLoop();
        int retiredMet = 0;
        for (int attempt = 0; attempt <= lines.Count; attempt++)
        {
            int refused = TryTakeAll(leases, amount);
            if (refused < 0)
            {
                Interlocked.Increment(ref _admissions);
                return leases;
            }

            if (leases[refused].IsRetired && retiredMet++ < lines.Count)
            {
                // Dropped by the flush since this request looked it up: take the account's lease of now instead.
                leases[refused] = LeaseOf(lines[refused]);
                attempt--;
                continue;
            }

            if (attempt == lines.Count)
            {
                break;
            }

            await RenewAsync(leases[refused], amount).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>
    /// After the store refused a reservation on <paramref name="line"/> with <paramref name="remainingNanos"/> left: when
    /// this replica's lease on it holds unused room that would have let <paramref name="amountNanos"/> through, gives
    /// that room back (a renewal keeping only what requests hold) and answers true, for the caller to ask again.
    /// </summary>
    public async Task<bool> GiveBackRoomAsync(SpendLine line, long remainingNanos, long amountNanos, CancellationToken cancellationToken)
    {
        if (Find(line.Account, line.Period) is not { } lease || remainingNanos + lease.Available < amountNanos)
        {
            return false;
        }

        await lease.Renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
        await RenewAsync(lease, 0, closing: true).WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Books what was spent and resizes every lease that has work (see <see cref="BudgetLease.IsDue"/>); drops idle leases of past periods.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, lease) in _leases)
        {
            if (lease.IsDue(now, _grace / 2))
            {
                await RenewAsync(lease, 0).WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_currentPeriod(key.Account, now) != key.Period && lease.TryRetire())
            {
                _leases.TryRemove(new KeyValuePair<(string, string), BudgetLease>(key, lease));
            }
        }

        try
        {
            var store = await _store(cancellationToken).ConfigureAwait(false);
            await _sweep(store, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SpendStoreUnavailableException or OperationCanceledException)
        {
            // The next flush sweeps.
        }
    }

    /// <summary>Stops renewing and gives back what the leases hold (booking what they spent): one attempt each, within <paramref name="timeout"/>.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _closed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_loopGate)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await CloseLeasesAsync(_leases.Values, timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// A request served from <paramref name="leases"/> settled. Once closing began no renewal is coming to book its
    /// spend or give back its hold, so it does that itself, as a settle of its own store reservation would (a request
    /// still in flight when the replica stops); once the leases are disposed (the store closed) nothing does.
    /// </summary>
    public Task SettledAsync(BudgetLease[] leases) => _closed && !_disposed ? CloseLeasesAsync(leases, CloseTimeout) : Task.CompletedTask;

    private async Task CloseLeasesAsync(IEnumerable<BudgetLease> leases, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        foreach (var lease in leases)
        {
            try
            {
                await lease.Renewal.WaitAsync(deadline.Token).ConfigureAwait(false);
                // Rounds while there is work: the first may only learn the outcome of a renewal sent before, and
                // requests still in flight settle meanwhile. One failed attempt ends it (the store is not answering).
                while (lease.HasClosingWork)
                {
                    long failures = RenewalFailures;
                    await RenewAsync(lease, 0, closing: true).WaitAsync(deadline.Token).ConfigureAwait(false);
                    if (RenewalFailures != failures)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            await CloseAsync(CloseTimeout).ConfigureAwait(false);
        }

        _disposed = true;

        _stopping.Dispose();
    }

    private BudgetLease LeaseOf(SpendLine line) =>
        _leases.GetOrAdd((line.Account, line.Period), static (k, a) => new BudgetLease(NewLeaseId(a.Replica, k.Account, k.Period), a.Line), (Replica: _replica, Line: line));

    /// <summary>
    /// A lease's id, new for each lease object: a lease of a past period dropped when idle is made again by a request
    /// whose lines were computed before the boundary, and must not meet the dropped one's row (at a later generation).
    /// </summary>
    private static string NewLeaseId(string replica, string account, string period) =>
        replica + "/" + account + "/" + period + "/" + Interlocked.Increment(ref s_leaseCount).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private int TryTakeAll(BudgetLease[] leases, long amount)
    {
        var now = _time.GetUtcNow();
        for (int i = 0; i < leases.Length; i++)
        {
            if (!leases[i].TryTake(amount, now))
            {
                for (int j = 0; j < i; j++)
                {
                    leases[j].GiveBack(amount);
                }

                return i;
            }
        }

        return -1;
    }

    /// <summary>The renewal of <paramref name="lease"/> in flight, or a new one: one at a time per lease, shared by everyone waiting.</summary>
    private Task RenewAsync(BudgetLease lease, long need, bool closing = false)
    {
        TaskCompletionSource started;
        Task renewal;
        lock (lease.Gate)
        {
            if (!lease.Renewal.IsCompleted)
            {
                return lease.Renewal;
            }

            if (lease.IsRetired)
            {
                // Dropped: a grant to it would be held in the store with no renewal ever giving it back.
                return Task.CompletedTask;
            }

            started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            renewal = lease.Renewal = started.Task;
        }

        _ = RunRenewalAsync(lease, need, closing, started);
        return renewal;
    }

    private async Task RunRenewalAsync(BudgetLease lease, long need, bool closing, TaskCompletionSource done)
    {
        try
        {
            var now = _time.GetUtcNow();
            var renewal = lease.BeginRenewal(need, _maxNanos, closing, now + _reservationTtl + _grace);
            using var timeout = new CancellationTokenSource(RenewalTimeout);
            var store = await _store(timeout.Token).ConfigureAwait(false);
            var grant = await store.RenewLeaseAsync(renewal, timeout.Token).ConfigureAwait(false);
            // Usable while the store keeps the lease at least a request's longest run beyond now (the expiry sent was
            // computed before the round trip, so this errs early).
            lease.Complete(renewal, grant, renewal.ExpiresAt - _reservationTtl);
            Interlocked.Increment(ref _renewals);
        }
        catch (Exception)
        {
            // Any failure (the store unreachable, closed, or failing to open): sent again unchanged by the next renewal,
            // which is safe whether or not this one was applied; meanwhile the lease serves up to its ceiling while usable.
            Interlocked.Increment(ref _renewalFailures);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private void EnsureLoop()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_loopGate)
        {
            _loop ??= Task.Run(() => LoopAsync(_stopping.Token));
        }
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_flushInterval, _time, stopping).ConfigureAwait(false);
                await FlushAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever one flush met (a store that fails to open in an unforeseen way), the next one tries again:
                // a loop that ended here would leave every lease unrenewed until the replica restarts.
                Interlocked.Increment(ref _renewalFailures);
            }
        }
    }
}
