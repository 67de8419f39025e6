namespace Crossroads.ServiceRoutes;

/// <summary>
/// The database could not be reached or failed (connection refused, timeout, server shutting down, disk error, a
/// lock not granted within the busy timeout). The only exception type a circuit breaker should count: domain outcomes
/// are <see cref="RouteWriteStatus"/> values and invalid input is <see cref="RouteValidationException"/>. A write that
/// throws this was not applied, or was applied whole (the commit's answer was lost); never in part.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a provider failure.</summary>
    public StoreUnavailableException(string message, Exception innerException, bool isTransient)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>Whether the provider judged the failure transient (worth retrying after a pause).</summary>
    public bool IsTransient { get; }
}
