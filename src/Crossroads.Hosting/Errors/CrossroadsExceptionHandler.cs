using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Errors;

/// <summary>
/// Turns exceptions into problems: Kestrel's <see cref="BadHttpRequestException"/> keeps its status (413 for a body
/// over the limit, 400 for malformed input) and is the client's fault, so it is logged at Debug; anything else is a
/// 500 without stack trace in the response, logged at Error with the exception.
/// </summary>
internal sealed class CrossroadsExceptionHandler(IProblemDetailsService problems, ILogger<CrossroadsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string detail;
        if (exception is BadHttpRequestException bad)
        {
            status = bad.StatusCode;
            detail = bad.Message;
            HostingLog.BadRequest(logger, status, bad.Message);
        }
        else
        {
            status = StatusCodes.Status500InternalServerError;
            detail = "An unexpected error occurred; the requestId identifies it in the server logs.";
            HostingLog.UnhandledException(logger, httpContext.Request.Method, httpContext.Request.Path.Value ?? "", exception);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Detail = detail },
        }).ConfigureAwait(false);
    }
}
