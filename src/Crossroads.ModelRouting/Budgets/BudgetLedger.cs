using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Crossroads.ModelRouting.Budgets;

/// <summary>
/// USD spend limits per tenant. A request reserves its worst-case estimate before any upstream call
/// (<see cref="TryReserve"/>) and settles to the actual cost afterwards (<see cref="Settle"/>); both happen under the
/// tenant's lock, and a reservation is refused when spent + reserved + estimate would pass the limit, so concurrent
/// requests can never together spend more than the limit (as long as upstreams honour the <c>max_tokens</c> the
/// reservation assumed). Tenants without a limit are tracked but never refused. In memory: spend is lost on restart.
/// </summary>
public sealed class BudgetLedger
{
    private readonly FrozenDictionary<string, decimal> _limits;
    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    /// <summary>A ledger with the given per-tenant limits (USD).</summary>
    public BudgetLedger(IReadOnlyDictionary<string, decimal> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="tenant"/> has a limit.</summary>
    public bool HasLimit(string tenant) => _limits.ContainsKey(tenant);

    /// <summary>Reserves <paramref name="estimateUsd"/> for <paramref name="tenant"/>; false (and the remaining amount) when it does not fit.</summary>
    public bool TryReserve(string tenant, decimal estimateUsd, out BudgetReservation reservation, out decimal remainingUsd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(estimateUsd);
        var account = _accounts.GetOrAdd(tenant, static (t, limits) => new Account(limits.TryGetValue(t, out var l) ? l : null), _limits);
        lock (account)
        {
            remainingUsd = account.Limit is { } limit ? limit - account.Spent - account.Reserved : decimal.MaxValue;
            if (account.Limit is not null && estimateUsd > remainingUsd)
            {
                reservation = default;
                return false;
            }

            account.Reserved += estimateUsd;
            reservation = new BudgetReservation(tenant, estimateUsd);
            return true;
        }
    }

    /// <summary>Releases <paramref name="reservation"/> and books <paramref name="actualUsd"/>.</summary>
    public void Settle(BudgetReservation reservation, decimal actualUsd)
    {
        if (reservation.Tenant is null)
        {
            return;
        }

        var account = _accounts[reservation.Tenant];
        lock (account)
        {
            account.Reserved -= reservation.AmountUsd;
            account.Spent += actualUsd;
        }
    }

    /// <summary>The tenant's limit, spend and open reservations.</summary>
    public BudgetSnapshot Snapshot(string tenant)
    {
        if (!_accounts.TryGetValue(tenant, out var account))
        {
            return new BudgetSnapshot(tenant, _limits.TryGetValue(tenant, out var l) ? l : null, 0, 0);
        }

        lock (account)
        {
            return new BudgetSnapshot(tenant, account.Limit, account.Spent, account.Reserved);
        }
    }

    private sealed class Account(decimal? limit)
    {
        public decimal? Limit { get; } = limit;

        public decimal Spent { get; set; }

        public decimal Reserved { get; set; }
    }
}
