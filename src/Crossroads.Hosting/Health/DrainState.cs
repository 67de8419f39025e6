namespace Crossroads.Hosting;

/// <summary>
/// Set when shutdown begins. Readiness fails from that moment while the server keeps serving, so load balancers
/// take the instance out of rotation before its listeners close.
/// </summary>
public sealed class DrainState
{
    private volatile bool _draining;

    /// <summary>True once shutdown has started.</summary>
    public bool IsDraining => _draining;

    /// <summary>Marks the server as draining; idempotent.</summary>
    internal void BeginDrain() => _draining = true;
}
