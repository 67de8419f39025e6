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

    public Task<SpendReserveOutcome> TryReserveAsync(string reservationId, IReadOnlyList<SpendLine> lines, long amountNanos, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        inner.TryReserveAsync(reservationId, lines, amountNanos, expiresAt, cancellationToken);

    public async Task<bool> SettleAsync(string reservationId, IReadOnlyList<SpendLine> lines, long actualNanos, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _settleCalls);
        _callsByReservation.AddOrUpdate(reservationId, 1, static (_, n) => n + 1);
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

    public Task<int> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.ExpireAsync(now, cancellationToken);

    public Task<(long Spent, long Reserved)> ReadAsync(string account, string period, CancellationToken cancellationToken) => inner.ReadAsync(account, period, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
