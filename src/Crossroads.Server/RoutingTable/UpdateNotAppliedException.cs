namespace Crossroads.Server.RoutingTable;

/// <summary>An update could not be made durable (journal append, database) and was not applied: the API answers 503.</summary>
public sealed class UpdateNotAppliedException : Exception
{
    public UpdateNotAppliedException()
    {
    }

    public UpdateNotAppliedException(string message)
        : base(message)
    {
    }

    public UpdateNotAppliedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the <c>routing_errors_total</c> kind and, when known, the <c>Retry-After</c>.</summary>
    public UpdateNotAppliedException(string message, Exception innerException, string errorType, int? retryAfterSeconds)
        : base(message, innerException)
    {
        ErrorType = errorType;
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>The <c>error_type</c> label of <c>routing_errors_total</c>.</summary>
    public string ErrorType { get; } = "update_failed";

    /// <summary>Seconds after which a retry may succeed, when the cause says (the database breaker); else null.</summary>
    public int? RetryAfterSeconds { get; }
}
