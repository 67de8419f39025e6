namespace Crossroads.ModelRouting.Budgets;

/// <summary>An account's budget in its current period: limit (null: none), spent, reserved by requests in flight.</summary>
public sealed record BudgetSnapshot(string Account, decimal? LimitUsd, decimal SpentUsd, decimal ReservedUsd)
{
    /// <summary>The account's period (<see cref="BudgetPeriod.Total"/> for an account without a limit).</summary>
    public BudgetPeriod Period { get; init; }

    /// <summary>Where the current period started (UTC); null for <see cref="BudgetPeriod.Total"/>.</summary>
    public DateTimeOffset? PeriodStart { get; init; }

    /// <summary>Where it ends and spend starts again from zero (UTC); null for <see cref="BudgetPeriod.Total"/>.</summary>
    public DateTimeOffset? PeriodEnd { get; init; }

    /// <summary>What a reservation may still take: limit − spent − reserved, not below 0 (null without a limit).</summary>
    public decimal? RemainingUsd => LimitUsd is { } limit ? Math.Max(0, limit - SpentUsd - ReservedUsd) : null;
}
