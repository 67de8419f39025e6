using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Crossroads.Hosting.Errors;

/// <summary>
/// Gives every problem the same shape: stable <c>type</c>, <c>title</c>, <c>status</c>, a <c>detail</c> naming what
/// was wrong, <c>instance</c> (the path) and <c>requestId</c>. Installed as
/// <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>, so module code calling
/// <c>TypedResults.Problem(statusCode: 400, detail: "...")</c> gets it too.
/// </summary>
internal static class ProblemShaper
{
    public static void Apply(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        problem.Status = status;

        // ASP.NET Core fills in RFC links by default; replace those (and blanks) with ours, keep a module's own types.
        if (string.IsNullOrEmpty(problem.Type) || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal) || problem.Type == "about:blank")
        {
            problem.Type = ProblemTypes.For(status);
        }

        problem.Title ??= ProblemTypes.TitleFor(status);
        problem.Detail ??= DefaultDetail(http, status);
        problem.Instance ??= http.Request.PathBase.Add(http.Request.Path).Value;
        problem.Extensions.Remove("traceId");
        problem.Extensions["requestId"] = http.TraceIdentifier;

        // The exception handler and request timeouts clear the response headers; put the echo back.
        if (!http.Response.HasStarted)
        {
            http.Response.Headers[Correlation.RequestIds.HeaderName] = http.TraceIdentifier;
        }

        // The module's own members (e.g. a replaced service's "error"/"message"), on the module's endpoints only.
        if (http.GetEndpoint()?.Metadata.GetMetadata<ModuleEndpointMetadata>()?.ShapeProblem is { } shapeProblem)
        {
            shapeProblem(problem);
        }

        if (http.Features.Get<Correlation.RequestLogScope>() is { } scope)
        {
            problem.Extensions["traceId"] = scope.TraceId;
        }
        else if (Activity.Current is { } activity)
        {
            problem.Extensions["traceId"] = activity.TraceId.ToHexString();
        }
    }

    private static string DefaultDetail(HttpContext http, int status)
    {
        var method = http.Request.Method;
        var path = http.Request.Path.Value;
        return status switch
        {
            400 => "The request is malformed.",
            401 => "This endpoint requires an API key (Authorization: Bearer <key> or X-API-Key: <key>).",
            403 => "The credentials presented do not allow this request.",
            404 => $"No endpoint matches '{method} {path}'.",
            405 => http.Response.Headers.Allow.Count > 0
                ? $"Method '{method}' is not allowed for '{path}'; allowed: {http.Response.Headers.Allow}."
                : $"Method '{method}' is not allowed for '{path}'.",
            413 => "The request body is too large.",
            414 => "The request URL is too long.",
            429 => "Too many requests; retry after the number of seconds in the Retry-After header.",
            431 => "The request headers are too large.",
            500 => "An unexpected error occurred; the requestId identifies it in the server logs.",
            503 => "The service is unavailable; retry later.",
            504 => "The request took too long and was cancelled.",
            _ => http.Features.Get<IHttpResponseFeature>()?.ReasonPhrase ?? ProblemTypes.TitleFor(status),
        };
    }
}
