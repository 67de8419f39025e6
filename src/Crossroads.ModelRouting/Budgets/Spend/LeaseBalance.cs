namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>An account's balance read together with one lease on it (see <see cref="ISpendStore.ReadLeaseAsync"/>).</summary>
/// <param name="Spent">Booked spend of the account in the period.</param>
/// <param name="Reserved">Everything held on it: reservations and every replica's leases, this one's included.</param>
/// <param name="LeaseAmount">What the lease holds (0 when the store has no such lease).</param>
/// <param name="LeaseGeneration">The lease's generation in the store (0 when it has none).</param>
public readonly record struct LeaseBalance(long Spent, long Reserved, long LeaseAmount, long LeaseGeneration);
