namespace Crossroads.ModelRouting.Budgets;

/// <summary>
/// The answer to a reservation: admitted with its <see cref="Reservation"/>, or refused by <see cref="RefusedBy"/> (an
/// account id) with what that account had left.
/// </summary>
public sealed record BudgetAdmission(BudgetReservation Reservation, string? RefusedBy, decimal RemainingUsd)
{
    /// <summary>Whether the reservation was made.</summary>
    public bool Admitted => RefusedBy is null;
}
