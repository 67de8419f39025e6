namespace Crossroads.ModelRouting.Budgets;

/// <summary>A settle waiting for the store: the reservation and the actual cost in nano-USD.</summary>
internal sealed record PendingSettle(BudgetReservation Reservation, long ActualNanos);
