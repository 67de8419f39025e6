namespace Crossroads.ModelRouting.Budgets;

/// <summary>How a replica leases budgets (see <see cref="BudgetLeases"/>).</summary>
/// <param name="MaxUsd">The most one lease holds; a request estimated above it reserves in the store directly.</param>
/// <param name="FlushInterval">How often active leases are renewed: spend reaches the store this late at most.</param>
public sealed record BudgetLeaseOptions(decimal MaxUsd, TimeSpan FlushInterval)
{
    /// <summary>
    /// How long a lease stays usable after its last renewal (the store keeps it this much longer than a request may run):
    /// while the store is unreachable the replica keeps serving from what its leases hold for this long.
    /// </summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(60);
}
