namespace Crossroads.ModelRouting.Providers;

/// <summary>Why an upstream call failed.</summary>
public enum ProviderFailureKind
{
    /// <summary>Could not connect, or the connection broke.</summary>
    Connection,

    /// <summary>No first token (or no answer) in time.</summary>
    Timeout,

    /// <summary>The upstream answered with an error status (<see cref="ProviderException.StatusCode"/>).</summary>
    Status,

    /// <summary>The upstream sent an error inside its stream, or a stream we could not parse.</summary>
    Stream,

    /// <summary>The router did not call the upstream: its breaker is open, its <c>Retry-After</c> pending, or it is at <c>MaxConcurrency</c>.</summary>
    Unavailable,
}
