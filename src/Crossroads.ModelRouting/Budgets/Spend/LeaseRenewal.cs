namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>
/// One renewal of a replica's budget lease (see <see cref="ISpendStore.RenewLeaseAsync"/>): book what the replica spent
/// from the lease since the last renewal, and resize what the lease holds.
/// </summary>
/// <param name="LeaseId">The lease's id (one per replica, account and period).</param>
/// <param name="Line">The account, period and limit the lease holds on.</param>
/// <param name="Generation">Renewals the store applied to this lease so far (0 for a new lease): the store applies this
/// renewal only at this generation, so a renewal sent again because its answer was lost books nothing twice.</param>
/// <param name="BookNanos">Spend to move into <c>spent</c> (requests served from the lease and settled).</param>
/// <param name="KeepNanos">What the lease must keep holding (requests in flight, and what the replica may admit until the answer).</param>
/// <param name="NeedNanos">More a waiting request needs beyond <paramref name="KeepNanos"/>: granted whole when that much is free, else not at all.</param>
/// <param name="WantNanos">The total the replica would like to hold; beyond keep and need it gets at most half of what is free.</param>
/// <param name="ExpiresAt">When the store may release the lease if it hears nothing more (its replica died).</param>
public sealed record LeaseRenewal(string LeaseId, SpendLine Line, long Generation, long BookNanos, long KeepNanos, long NeedNanos, long WantNanos, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// What a lease is granted when <paramref name="freeNanos"/> (limit − spent − what others hold, after this renewal's
    /// booking) is free and the store holds <paramref name="heldNanos"/> for it: <see cref="KeepNanos"/> as far as it is
    /// still held (or fits what is free: the expiry sweep may have released the lease while its replica could not reach
    /// the store, and the room it kept went to others), the need when it fits, and toward <see cref="WantNanos"/> at
    /// most half of the rest, so one replica never takes all that is left and leases shrink as an account nears its limit.
    /// </summary>
    public long Grant(long freeNanos, long heldNanos)
    {
        long keep = Math.Min(KeepNanos, Math.Max(heldNanos, freeNanos));
        long room = freeNanos - keep;
        if (room <= 0)
        {
            return keep;
        }

        long extra = Math.Min(Math.Max(0, WantNanos - keep), room / 2);
        if (NeedNanos > 0 && NeedNanos <= room)
        {
            extra = Math.Max(extra, NeedNanos);
        }

        return keep + extra;
    }
}
