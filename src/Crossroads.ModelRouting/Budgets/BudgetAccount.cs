namespace Crossroads.ModelRouting.Budgets;

/// <summary>A spend limit: an API key's (<c>key:NAME</c>) or a tenant's (<c>tenant:ID</c>), in USD per period.</summary>
public sealed record BudgetAccount(string Id, decimal LimitUsd, BudgetPeriod Period)
{
    /// <summary>The account id of a tenant.</summary>
    public static string TenantId(string tenant) => "tenant:" + tenant;

    /// <summary>The account id of an API key.</summary>
    public static string KeyId(string key) => "key:" + key;
}
