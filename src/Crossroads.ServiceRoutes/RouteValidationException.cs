namespace Crossroads.ServiceRoutes;

/// <summary>
/// An argument of a store call is invalid (a name, a URL, a limit, a cursor). A domain error (HTTP 400), never an
/// infrastructure failure; nothing was read or written. Callers that want to answer with every error at once call
/// <see cref="RouteValidation"/> first.
/// </summary>
public sealed class RouteValidationException : ArgumentException
{
    public RouteValidationException()
        : this([])
    {
    }

    public RouteValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public RouteValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates the exception for these errors; the message joins them with "; ".</summary>
    public RouteValidationException(IReadOnlyList<ValidationError> errors)
        : base(errors.Count == 0 ? "invalid argument" : string.Join("; ", errors))
    {
        Errors = errors;
    }

    /// <summary>The errors, one per invalid field.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}
