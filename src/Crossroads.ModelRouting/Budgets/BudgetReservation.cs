namespace Crossroads.ModelRouting.Budgets;

/// <summary>An amount held for one request until it settles.</summary>
public readonly record struct BudgetReservation(string? Tenant, decimal AmountUsd);
