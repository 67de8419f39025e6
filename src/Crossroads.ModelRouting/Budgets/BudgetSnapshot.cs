namespace Crossroads.ModelRouting.Budgets;

/// <summary>A tenant's budget at one moment: limit (null: none), spent, reserved by requests in flight.</summary>
public sealed record BudgetSnapshot(string Tenant, decimal? LimitUsd, decimal SpentUsd, decimal ReservedUsd);
