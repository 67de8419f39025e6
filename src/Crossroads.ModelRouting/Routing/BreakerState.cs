namespace Crossroads.ModelRouting.Routing;

/// <summary>An upstream's breaker (see <see cref="UpstreamHealth"/>).</summary>
public enum BreakerState
{
    /// <summary>Attempts flow.</summary>
    Closed,

    /// <summary>Cooling down: no attempt until the cooldown ends.</summary>
    Open,

    /// <summary>Past the cooldown: one probe attempt decides.</summary>
    HalfOpen,
}
