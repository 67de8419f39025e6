namespace Crossroads.ModelRouting.Budgets;

/// <summary>Who pays for a request: its tenant and, when known, the API key it came with. Both budgets must cover it.</summary>
public readonly record struct BudgetPayer(string Tenant, string? Key);
