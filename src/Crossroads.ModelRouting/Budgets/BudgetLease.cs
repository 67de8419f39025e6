using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Budgets;

/// <summary>
/// This replica's lease on one account in one period: an amount the spend store holds for the replica (like one large
/// reservation), from which requests reserve and settle in memory. What they spent is booked at the next renewal,
/// which also resizes the lease (see <see cref="BudgetLeases"/>).
/// <para>
/// Invariant: <c>holds + unbooked + booking ≤ limit</c>, where <c>limit</c> is what the store holds for the lease
/// (<c>granted</c>) or, while a renewal's outcome is unknown, the ceiling set when it was sent (covered by the old
/// grant if it did not apply and by the new one if it did). So every amount a request may spend is held in the store,
/// and replicas together never pass the account's limit. Each operation is a few arithmetic steps under one short
/// lock; nothing here waits for the store.
/// </para>
/// </summary>
internal sealed class BudgetLease(string id, SpendLine line)
{
    private readonly Lock _gate = new();
    private long _granted;
    private long _holds;
    private long _unbooked;
    private long _booking;
    private long _ceiling = -1;
    private long _generation;
    private DateTimeOffset _usableUntil = DateTimeOffset.MinValue;
    private LeaseRenewal? _sent;
    private long _taken;
    private long _refused;
    private long _largest;
    private bool _retired;

    /// <summary>The lease's id in the store.</summary>
    public string Id { get; } = id;

    /// <summary>The account, period and limit it holds on.</summary>
    public SpendLine Line { get; } = line;

    /// <summary>The renewal in flight (or the last one), which requests needing room wait for.</summary>
    public Task Renewal { get; set; } = Task.CompletedTask;

    /// <summary>The gate <see cref="BudgetLeases"/> starts renewals under.</summary>
    public Lock Gate => _gate;

    /// <summary>Takes <paramref name="amount"/> for a request if the lease has room and is usable at <paramref name="now"/>.</summary>
    public bool TryTake(long amount, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            if (now < _usableUntil && _holds + _unbooked + _booking + amount <= Limit)
            {
                _holds += amount;
                _taken += amount;
                _largest = Math.Max(_largest, amount);
                return true;
            }

            _refused += amount;
            _largest = Math.Max(_largest, amount);
            return false;
        }
    }

    /// <summary>Gives back what <see cref="TryTake"/> took for a request that another account's lease refused.</summary>
    public void GiveBack(long amount)
    {
        lock (_gate)
        {
            _holds -= amount;
            // A renewal may have started (and reset the count) since the take.
            _taken = Math.Max(0, _taken - amount);
        }
    }

    /// <summary>A request that took <paramref name="held"/> finished having spent <paramref name="actual"/>.</summary>
    public void Settle(long held, long actual)
    {
        lock (_gate)
        {
            _holds -= held;
            _unbooked += actual;
        }
    }

    /// <summary>What the lease can still give a request now.</summary>
    public long Available
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(0, Limit - _holds - _unbooked - _booking);
            }
        }
    }

    /// <summary>Whether <see cref="TryRetire"/> took the lease out of use (a request holding it takes its account's new one).</summary>
    public bool IsRetired
    {
        get
        {
            lock (_gate)
            {
                return _retired;
            }
        }
    }

    /// <summary>
    /// Takes an idle lease (of a past period) out of use, if it holds, owes and waits for nothing: in the same lock as
    /// every take, so no request can be admitted from it after it is dropped, where no renewal would book its spend.
    /// </summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            _retired = _retired || (_granted == 0 && _holds == 0 && _unbooked == 0 && _sent is null && Renewal.IsCompleted);
            return _retired;
        }
    }

    /// <summary>
    /// Whether closing the lease has work left: spend to book, room beyond what requests in flight hold to give back, or
    /// an unknown outcome to learn.
    /// </summary>
    public bool HasClosingWork
    {
        get
        {
            lock (_gate)
            {
                return _sent is not null || _unbooked > 0 || _granted > _holds;
            }
        }
    }

    /// <summary>What the lease holds in the store as far as this replica knows (for the leased-amount gauge).</summary>
    public long Granted
    {
        get
        {
            lock (_gate)
            {
                return _granted;
            }
        }
    }

    private long Limit => _ceiling >= 0 ? _ceiling : _granted;

    /// <summary>
    /// Whether a periodic renewal has work: spend to book, room unused since the last renewal to give back, demand it
    /// could not serve, an unknown outcome to learn, or an expiry to push back (less than <paramref name="extendBefore"/>
    /// of usable time left).
    /// </summary>
    public bool IsDue(DateTimeOffset now, TimeSpan extendBefore)
    {
        lock (_gate)
        {
            return _sent is not null
                || _unbooked > 0
                || (_granted > 0 && (_taken == 0 || _usableUntil - now < extendBefore))
                || _refused > 0;
        }
    }

    /// <summary>
    /// The next renewal to send: the one sent before if its outcome is unknown (sent again unchanged, so the store
    /// applies it at most once), else a new one that books what was spent and asks for about twice what was taken
    /// since the last renewal (at least four times the largest request, at most <paramref name="maxNanos"/>; nothing
    /// when <paramref name="closing"/>) plus <paramref name="need"/> for a waiting request. Admissions until the answer
    /// are capped at what the lease keeps.
    /// </summary>
    public LeaseRenewal BeginRenewal(long need, long maxNanos, bool closing, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            if (_sent is not null)
            {
                return _sent;
            }

            long demand = _taken + _refused;
            long target = closing || demand == 0 ? 0 : Math.Min(maxNanos, Math.Max(2 * demand, 4 * _largest));
            long book = _unbooked;
            _booking = book;
            _unbooked = 0;
            // Room the replica keeps using while the renewal is out: what it holds beyond its requests, up to the target.
            long headroom = Math.Clamp(_granted - _holds - _booking, 0, target);
            long keep = _holds + headroom;
            _ceiling = _holds + _booking + headroom;
            _taken = 0;
            _refused = 0;
            _largest = 0;
            _sent = new LeaseRenewal(Id, Line, _generation, book, keep, Math.Max(0, need - headroom), Math.Max(target, keep), expiresAt);
            return _sent;
        }
    }

    /// <summary>The store applied <paramref name="renewal"/>: the lease holds the grant, usable until <paramref name="usableUntil"/>.</summary>
    public void Complete(LeaseRenewal renewal, LeaseGrant grant, DateTimeOffset usableUntil)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(renewal, _sent))
            {
                return;
            }

            _sent = null;
            _granted = grant.GrantedNanos;
            _generation = grant.Generation;
            _booking = 0;
            _ceiling = -1;
            _usableUntil = usableUntil;
        }
    }

    /// <summary>
    /// The state the store's view of this lease is read against (see <see cref="BudgetLedger.SnapshotAsync"/>):
    /// generation, spend not booked yet, spend being booked by the renewal out, and requests' holds.
    /// </summary>
    public (long Generation, long Unbooked, long Booking, long Holds) View()
    {
        lock (_gate)
        {
            return (_generation, _unbooked, _booking, _holds);
        }
    }
}
