namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>The store's answer to a <see cref="LeaseRenewal"/>.</summary>
/// <param name="GrantedNanos">What the lease holds now.</param>
/// <param name="Generation">The lease's generation now (the renewal's + 1).</param>
/// <param name="FreeNanos">What is left free on the account after the grant (limit − spent − reserved, not below 0).</param>
public readonly record struct LeaseGrant(long GrantedNanos, long Generation, long FreeNanos);
