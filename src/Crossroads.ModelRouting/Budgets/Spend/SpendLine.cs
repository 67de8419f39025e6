namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>One account's part of a reservation: which account, in which period (see <see cref="BudgetPeriods.Key"/>), and its limit in nano-USD.</summary>
public readonly record struct SpendLine(string Account, string Period, long LimitNanos);
