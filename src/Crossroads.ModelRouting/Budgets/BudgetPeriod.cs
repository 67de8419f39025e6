namespace Crossroads.ModelRouting.Budgets;

/// <summary>How long a budget's spend accumulates before it starts again from zero.</summary>
public enum BudgetPeriod
{
    /// <summary>Never resets.</summary>
    Total,

    /// <summary>Resets at 00:00 UTC each day.</summary>
    Daily,

    /// <summary>Resets at 00:00 UTC on the first of each month.</summary>
    Monthly,
}
