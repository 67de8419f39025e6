using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Errors as the chassis' problem+json with Addok's (Falcon's) members: <c>title</c> is Falcon's title ("Missing
/// parameter", "Invalid parameter", ...), <c>description</c> its description when it has one (also the <c>detail</c>).
/// </summary>
internal static class AddokProblems
{
    public static ProblemHttpResult Create(int status, string title, string? description = null)
    {
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (description is not null)
        {
            extensions["description"] = description;
        }

        return TypedResults.Problem(detail: description ?? title, statusCode: status, title: title, extensions: extensions);
    }

    /// <summary>Falcon's <c>HTTPMissingParam</c>.</summary>
    public static ProblemHttpResult MissingParam(string name) =>
        Create(StatusCodes.Status400BadRequest, MissingTitle, MissingDescription(name));

    /// <summary>Falcon's <c>HTTPInvalidParam</c>.</summary>
    public static ProblemHttpResult InvalidParam(string message, string name) =>
        Create(StatusCodes.Status400BadRequest, InvalidTitle, InvalidDescription(message, name));

    public const string MissingTitle = "Missing parameter";

    public const string InvalidTitle = "Invalid parameter";

    /// <summary>Falcon's <c>HTTPMissingParam</c> description (also a batch query's error).</summary>
    public static string MissingDescription(string name) => $"The \"{name}\" parameter is required.";

    /// <summary>Falcon's <c>HTTPInvalidParam</c> description (also a batch query's error).</summary>
    public static string InvalidDescription(string message, string name) => $"The \"{name}\" parameter is invalid. {message}";

    /// <summary>Addok's <c>EntityTooLarge</c> (413 with the message as title).</summary>
    public static ProblemHttpResult TooLarge(string message) => Create(StatusCodes.Status413PayloadTooLarge, message);

    /// <summary>Falcon's <c>HTTPBadRequest(title=...)</c>.</summary>
    public static ProblemHttpResult BadRequest(string title, string? description = null) => Create(StatusCodes.Status400BadRequest, title, description);

    public static ProblemHttpResult NotFound(string id) => Create(StatusCodes.Status404NotFound, "Not Found", $"id \"{id}\" not found");

    public static ProblemHttpResult Loading() =>
        Create(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "the geocoder index is loading; retry shortly");
}
