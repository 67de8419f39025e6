using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Budgets;

/// <summary>
/// An amount held for one request until it settles, on every limited account of its payer (none: nothing held, and
/// settling costs nothing).
/// </summary>
public sealed record BudgetReservation(string Id, IReadOnlyList<SpendLine> Lines, decimal AmountUsd)
{
    /// <summary>The reservation of a payer without limits.</summary>
    public static BudgetReservation None { get; } = new(string.Empty, [], 0);

    /// <summary>The leases the amount was taken from, one per line, or null when it is held in the store by <see cref="Id"/>.</summary>
    internal BudgetLease[]? Leases { get; init; }

    /// <summary>Whether anything is held (some account of the payer has a limit).</summary>
    public bool IsLimited => Lines.Count > 0;
}
