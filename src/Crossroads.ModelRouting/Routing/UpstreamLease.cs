using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// One attempt's place on an upstream (see <see cref="UpstreamHealth.TryAcquire"/>). Ends exactly once: with
/// <see cref="Succeeded"/> (the upstream answered, even with a refusal of the client's request), <see cref="Failed"/>
/// (counts toward the breaker, honours <c>Retry-After</c>), or <see cref="Dispose"/> alone (the client went away:
/// nothing learned).
/// </summary>
public sealed class UpstreamLease : IDisposable
{
    private readonly UpstreamHealth _health;
    private readonly UpstreamHealth.State _state;
    private int _ended;

    internal UpstreamLease(UpstreamHealth health, string upstream, UpstreamHealth.State state, bool probe)
    {
        _health = health;
        _state = state;
        Upstream = upstream;
        IsProbe = probe;
    }

    /// <summary>The upstream.</summary>
    public string Upstream { get; }

    /// <summary>True when this attempt is the half-open breaker's probe.</summary>
    public bool IsProbe { get; }

    /// <summary>The upstream answered: the breaker closes.</summary>
    public void Succeeded() => End(null, success: true);

    /// <summary>The upstream failed; true when this opened its breaker.</summary>
    public bool Failed(ProviderException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return End(error, success: false);
    }

    /// <summary>Frees the place if neither outcome was recorded.</summary>
    public void Dispose() => End(null, success: false);

    private bool End(ProviderException? error, bool success) =>
        Interlocked.Exchange(ref _ended, 1) == 0 && _health.Complete(_state, IsProbe, error, success);
}
