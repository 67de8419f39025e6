namespace Crossroads.Hosting;

/// <summary>
/// The stable <c>type</c> URI and title for each error status. Clients switch on the URI, so an existing URI never
/// changes meaning.
/// </summary>
public static class ProblemTypes
{
    /// <summary>Prefix of every problem type URI.</summary>
    public const string BaseUri = "https://crossroads.dev/problems/";

    /// <summary>The type URI for a status code, e.g. <c>https://crossroads.dev/problems/bad-request</c> for 400.</summary>
    public static string For(int status) => status switch
    {
        // Constants for the common ones: problems are written on hot paths too (429 under load).
        400 => BaseUri + "bad-request",
        404 => BaseUri + "not-found",
        429 => BaseUri + "too-many-requests",
        503 => BaseUri + "service-unavailable",
        _ => BaseUri + Slug(status),
    };

    /// <summary>The short title for a status code, e.g. <c>Bad Request</c>.</summary>
    public static string TitleFor(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        504 => "Request Timed Out",
        _ => status >= 500 ? "Server Error" : "Client Error",
    };

    private static string Slug(int status) => status switch
    {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        406 => "not-acceptable",
        408 => "request-timeout",
        409 => "conflict",
        410 => "gone",
        411 => "length-required",
        412 => "precondition-failed",
        413 => "content-too-large",
        414 => "uri-too-long",
        415 => "unsupported-media-type",
        422 => "unprocessable-content",
        429 => "too-many-requests",
        431 => "header-fields-too-large",
        500 => "internal-error",
        501 => "not-implemented",
        503 => "service-unavailable",
        504 => "timeout",
        _ => status >= 500 ? "server-error" : "client-error",
    };
}
