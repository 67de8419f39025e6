using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Limits;

/// <summary>
/// Rejects over-long URLs (414) before routing, so the client gets a problem+json answer instead of Kestrel's empty one.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<LimitsOptions> options, ILogger<RequestLimitsMiddleware> logger)
{
    private readonly int _maxUrlLength = options.Value.MaxUrlLength;

    public Task InvokeAsync(HttpContext context)
    {
        var length = TargetLength(context);
        if (length > _maxUrlLength)
        {
            HostingLog.UrlTooLong(logger, length, _maxUrlLength);
            return ProblemResponses.WriteAsync(context, StatusCodes.Status414UriTooLong, $"The request URL (path and query) is {length} characters long; the limit is {_maxUrlLength}.");
        }

        return next(context);
    }

    /// <summary>The raw request target as sent (path and query, percent-encoded), which is what URL limits are about.</summary>
    private static int TargetLength(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return !string.IsNullOrEmpty(raw)
            ? raw.Length
            : (context.Request.Path.Value?.Length ?? 0) + (context.Request.QueryString.Value?.Length ?? 0);
    }
}
