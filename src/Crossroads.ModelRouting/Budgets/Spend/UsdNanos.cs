namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>
/// Amounts are stored as whole nano-USD (10⁻⁹ $): one token of the cheapest models costs ~10⁻⁷ $, SQLite has no
/// decimal type, and integers add exactly in both databases. Rounded up, so rounding never lets spend pass a limit.
/// </summary>
public static class UsdNanos
{
    private const decimal PerUsd = 1_000_000_000m;

    /// <summary>USD to nano-USD, rounded up (saturating).</summary>
    public static long From(decimal usd) =>
        usd <= 0 ? 0 : usd >= long.MaxValue / PerUsd ? long.MaxValue : (long)decimal.Ceiling(usd * PerUsd);

    /// <summary>A limit in nano-USD, rounded down (saturating): a limit never grows by rounding.</summary>
    public static long LimitFrom(decimal usd) =>
        usd <= 0 ? 0 : usd >= long.MaxValue / PerUsd ? long.MaxValue : (long)decimal.Floor(usd * PerUsd);

    /// <summary>Nano-USD to USD.</summary>
    public static decimal ToUsd(long nanos) => nanos / PerUsd;
}
