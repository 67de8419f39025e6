using Crossroads.ServiceRoutes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// Errors as the chassis' problem+json that also carry Traffic Manager's members (<c>error</c>, <c>message</c>,
/// <c>required</c>, <c>valid_actions</c>, …), so clients written for either read them.
/// </summary>
internal static class TrafficManagerProblems
{
    public static readonly string[] RouteFields = ["tenant", "service", "env", "version"];

    public static readonly string[] UpsertFields = ["tenant", "service", "env", "version", "url"];

    public static ProblemHttpResult Create(int status, string error, string message, params (string Name, object? Value)[] members)
    {
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["error"] = error,
            ["message"] = message,
        };
        foreach (var (name, value) in members)
        {
            extensions[name] = value;
        }

        return TypedResults.Problem(detail: message, statusCode: status, extensions: extensions);
    }

    public static ProblemHttpResult MissingParameters(string[] required, IEnumerable<string> missing) =>
        Create(StatusCodes.Status400BadRequest, "Missing required parameters", $"missing query parameter(s): {string.Join(", ", missing)}", ("required", required));

    public static ProblemHttpResult MissingFields(string[] required, IEnumerable<string> missing) =>
        Create(StatusCodes.Status400BadRequest, "Missing required fields", $"missing field(s): {string.Join(", ", missing)}", ("required", required));

    public static ProblemHttpResult Validation(string message) =>
        Create(StatusCodes.Status400BadRequest, "Validation error", message);

    public static ProblemHttpResult Validation(IEnumerable<ValidationError> errors) =>
        Validation(string.Join("; ", errors.Select(static e => e.ToString())));

    public static ProblemHttpResult NotJson(string message) =>
        Create(StatusCodes.Status400BadRequest, "Request body must be JSON", message);

    public static ProblemHttpResult RouteNotFound(RouteKey key) =>
        Create(
            StatusCodes.Status404NotFound,
            "Route not found",
            $"No active route found for {key}",
            ("tenant", key.Tenant),
            ("service", key.Service),
            ("env", key.Env),
            ("version", key.Version));

    public static ProblemHttpResult WriteTargetNotFound(RouteKey key) =>
        Create(StatusCodes.Status404NotFound, "Validation error", $"Route not found: {key}");

    public static ProblemHttpResult PreconditionFailed(string what, long? current) =>
        Create(
            StatusCodes.Status412PreconditionFailed,
            "Precondition failed",
            current is { } revision ? $"{what} is at revision {revision}, not the one If-Match names" : $"{what} does not exist, unlike what If-Match assumes",
            ("current_revision", current));

    public static ProblemHttpResult Unavailable(HttpContext context, int retryAfterSeconds, string reason)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status503ServiceUnavailable, "Service unavailable", reason, ("retry_after", retryAfterSeconds));
    }

    public static ProblemHttpResult IdempotencyConflict(string? key) =>
        Create(
            StatusCodes.Status422UnprocessableEntity,
            "Idempotency key reused",
            $"Idempotency-Key '{key}' was first used for a different request (method, path or body); use a new key for a new request");

    public static ProblemHttpResult Loading() =>
        Create(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "service routes are loading; retry shortly");
}
