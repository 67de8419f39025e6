namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>A reservation's answer from the store: made (<see cref="RefusedLine"/> −1), or refused by that line with what its account had left.</summary>
public readonly record struct SpendReserveOutcome(int RefusedLine, long RemainingNanos)
{
    /// <summary>The reservation was made.</summary>
    public static SpendReserveOutcome Reserved => new(-1, 0);
}
