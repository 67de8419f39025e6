using System.Globalization;

namespace Crossroads.ModelRouting.Budgets;

/// <summary>Names of <see cref="BudgetPeriod"/> (as configured) and the key of the period an instant falls in.</summary>
public static class BudgetPeriods
{
    /// <summary>The configured names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["daily", "monthly", "total"];

    /// <summary>Parses <c>daily</c>, <c>monthly</c> or <c>total</c> (case-insensitive).</summary>
    public static bool TryParse(string? text, out BudgetPeriod period) => ConfiguredNames.TryParse(text, out period);

    /// <summary>
    /// The key of the period <paramref name="now"/> falls in (<c>total</c>, <c>d2026-12-01</c>, <c>m2026-12</c>), always
    /// in UTC: spend is stored per (account, period key), so a new period starts from zero without any reset job, and
    /// replicas in other time zones agree on the boundary.
    /// </summary>
    public static string Key(BudgetPeriod period, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return period switch
        {
            BudgetPeriod.Daily => "d" + utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            BudgetPeriod.Monthly => "m" + utc.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => "total",
        };
    }
}
