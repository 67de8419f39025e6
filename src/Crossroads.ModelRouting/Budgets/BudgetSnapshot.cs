namespace Crossroads.ModelRouting.Budgets;

/// <summary>An account's budget in its current period: limit (null: none), spent, reserved by requests in flight.</summary>
public sealed record BudgetSnapshot(string Account, decimal? LimitUsd, decimal SpentUsd, decimal ReservedUsd);
