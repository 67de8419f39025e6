using System.Collections.Concurrent;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// A real spend store whose settles fail on demand, as they do when the database is down (refused before anything is
/// written) or when the connection breaks after the commit (written, the answer lost). Everything else passes through.
/// </summary>
internal sealed class FlakySpendStore(ISpendStore inner) : ISpendStore
{
    private readonly ConcurrentDictionary<string, int> _callsByReservation = new(StringComparer.Ordinal);
    private int _loseSettleAnswers;
    private int _settleCalls;
    private int _loseRenewalAnswers;
    private int _renewalCalls;
    private int _reserveCalls;

    /// <summary>Every call fails before reaching the store, as when the database is down.</summary>
    public bool Down { get; set; }

    /// <summary>Every settle fails before reaching the store.</summary>
    public bool RefuseSettles { get; set; }

    /// <summary>Settles of this reservation fail before reaching the store.</summary>
    public string? RefuseSettlesOf { get; set; }

    /// <summary>This many next settles reach the store and then fail.</summary>
    public int LoseSettleAnswers
    {
        get => Volatile.Read(ref _loseSettleAnswers);
        init => _loseSettleAnswers = value;
    }

    /// <summary>Settle calls made, failed ones included.</summary>
    public int SettleCalls => Volatile.Read(ref _settleCalls);

    /// <summary>Settle calls made for one reservation, failed ones included.</summary>
    public int SettleCallsOf(string reservationId) => _callsByReservation.GetValueOrDefault(reservationId);

    public string Provider => inner.Provider;

    /// <summary>Reservations made in the store (each a round trip of its own).</summary>
    public int ReserveCalls => Volatile.Read(ref _reserveCalls);

    public Task<SpendReserveOutcome> TryReserveAsync(string reservationId, IReadOnlyList<SpendLine> lines, long amountNanos, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reserveCalls);
        ThrowIfDown();
        return inner.TryReserveAsync(reservationId, lines, amountNanos, expiresAt, cancellationToken);
    }

    private void ThrowIfDown()
    {
        if (Down)
        {
            throw new SpendStoreUnavailableException("the test's store is down");
        }
    }

    public async Task<bool> SettleAsync(string reservationId, IReadOnlyList<SpendLine> lines, long actualNanos, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _settleCalls);
        _callsByReservation.AddOrUpdate(reservationId, 1, static (_, n) => n + 1);
        ThrowIfDown();
        if (RefuseSettles || reservationId == RefuseSettlesOf)
        {
            throw new SpendStoreUnavailableException("the test's store refuses settles");
        }

        bool booked = await inner.SettleAsync(reservationId, lines, actualNanos, cancellationToken);
        if (Interlocked.Decrement(ref _loseSettleAnswers) >= 0)
        {
            throw new SpendStoreUnavailableException("the test's store lost the settle's answer");
        }

        return booked;
    }

    /// <summary>Every lease renewal fails before reaching the store.</summary>
    public bool RefuseRenewals { get; set; }

    /// <summary>This many next lease renewals reach the store and then fail.</summary>
    public int LoseRenewalAnswers
    {
        get => Volatile.Read(ref _loseRenewalAnswers);
        set => Volatile.Write(ref _loseRenewalAnswers, value);
    }

    /// <summary>Lease renewal calls made, failed ones included.</summary>
    public int RenewalCalls => Volatile.Read(ref _renewalCalls);

    /// <summary>When set, each lease renewal waits for one release of it before reaching the store.</summary>
    public SemaphoreSlim? RenewalGate { get; set; }

    public async Task<LeaseGrant> RenewLeaseAsync(LeaseRenewal renewal, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _renewalCalls);
        if (RenewalGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        ThrowIfDown();
        if (RefuseRenewals)
        {
            throw new SpendStoreUnavailableException("the test's store refuses renewals");
        }

        var grant = await inner.RenewLeaseAsync(renewal, cancellationToken);
        if (Interlocked.Decrement(ref _loseRenewalAnswers) >= 0)
        {
            throw new SpendStoreUnavailableException("the test's store lost the renewal's answer");
        }

        return grant;
    }

    /// <summary>Runs after each read of a lease's balance, before its answer is returned (what the replica did meanwhile).</summary>
    public Action? AfterReadLease { get; set; }

    public async Task<LeaseBalance> ReadLeaseAsync(string account, string period, string leaseId, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        var balance = await inner.ReadLeaseAsync(account, period, leaseId, cancellationToken);
        AfterReadLease?.Invoke();
        return balance;
    }

    public Task<int> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        return inner.ExpireAsync(now, cancellationToken);
    }

    public Task<(long Spent, long Reserved)> ReadAsync(string account, string period, CancellationToken cancellationToken) => inner.ReadAsync(account, period, cancellationToken);

    /// <summary>Whether disposing this also disposes the inner store (not when other handles share it).</summary>
    public bool OwnsInner { get; init; } = true;

    public ValueTask DisposeAsync() => OwnsInner ? inner.DisposeAsync() : ValueTask.CompletedTask;
}
