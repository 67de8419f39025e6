namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>
/// Where spend and open reservations live, per (account, period). Implementations make <see cref="TryReserveAsync"/>
/// atomic over all its lines (all held or none) and conditional (spent + reserved + amount ≤ limit per line), so any
/// number of concurrent callers — in one process or in several sharing the store — can never together pass a limit.
/// </summary>
public interface ISpendStore : IAsyncDisposable
{
    /// <summary><c>memory</c>, <c>sqlite</c> or <c>postgresql</c>.</summary>
    string Provider { get; }

    /// <summary>Holds <paramref name="amountNanos"/> on every line until settled or until <paramref name="expiresAt"/>.</summary>
    Task<SpendReserveOutcome> TryReserveAsync(string reservationId, IReadOnlyList<SpendLine> lines, long amountNanos, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Releases what <paramref name="reservationId"/> still holds and books <paramref name="actualNanos"/> on every line
    /// (also when the reservation already expired: the spend happened). Exactly once per reservation: true when this
    /// call booked, false when the reservation was settled before (a retry whose first attempt went through, though
    /// its answer was lost) or is unknown (expired longer ago than the store remembers).
    /// </summary>
    Task<bool> SettleAsync(string reservationId, IReadOnlyList<SpendLine> lines, long actualNanos, CancellationToken cancellationToken);

    /// <summary>
    /// Releases reservations and leases that expired before <paramref name="now"/> (their holder crashed, or could not
    /// reach the store to settle or renew); returns how many. Their settle is still taken later (it books the spend
    /// alone), and so is a released lease's next renewal.
    /// </summary>
    Task<int> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Spent and reserved nano-USD of one account in one period.</summary>
    Task<(long Spent, long Reserved)> ReadAsync(string account, string period, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one renewal of a budget lease, atomically: books <see cref="LeaseRenewal.BookNanos"/>, releases what the
    /// lease held and holds the grant instead (<see cref="LeaseRenewal.Grant"/> of what is then free), and moves the
    /// lease to the next generation with the new expiry. Only at the renewal's generation: when the store's lease is
    /// already one past it (the same renewal applied before, its answer lost) nothing changes and the lease's state
    /// is returned. A lease the expiry sweep released holds nothing but keeps its generation (its next renewal books
    /// once, and keeps what it held only as far as that is free again).
    /// </summary>
    Task<LeaseGrant> RenewLeaseAsync(LeaseRenewal renewal, CancellationToken cancellationToken);

    /// <summary>An account's balance and one lease's state on it, read together.</summary>
    Task<LeaseBalance> ReadLeaseAsync(string account, string period, string leaseId, CancellationToken cancellationToken);
}
