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

    /// <summary>The configured name of <paramref name="period"/> (<c>daily</c>, <c>monthly</c>, <c>total</c>).</summary>
    public static string Name(BudgetPeriod period) => period switch
    {
        BudgetPeriod.Daily => "daily",
        BudgetPeriod.Monthly => "monthly",
        _ => "total",
    };

    /// <summary>
    /// The UTC start (inclusive) and end (exclusive) of the period <paramref name="now"/> falls in, the same boundaries
    /// as <see cref="Key"/>; both null for <see cref="BudgetPeriod.Total"/>, which has neither.
    /// </summary>
    public static (DateTimeOffset? Start, DateTimeOffset? End) Bounds(BudgetPeriod period, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        switch (period)
        {
            case BudgetPeriod.Daily:
                var day = new DateTimeOffset(utc.Date, TimeSpan.Zero);
                return (day, day.AddDays(1));
            case BudgetPeriod.Monthly:
                var month = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
                return (month, month.AddMonths(1));
            default:
                return (null, null);
        }
    }
}
