using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Limits;

/// <summary>
/// Rejects bodies whose declared length is over the limit (413, problem+json) after routing, so an endpoint can carry
/// its own limit (<see cref="RequestBodyLimit"/>, e.g. a streamed CSV upload) over <c>Limits:MaxRequestBodySize</c>.
/// Bodies without a length are capped by Kestrel's per-request <c>MaxRequestBodySize</c>, set here to the same limit;
/// the exception handler maps its failure to 413.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<LimitsOptions> options, ILogger<RequestBodyLimitMiddleware> logger)
{
    private readonly long _maxBodySize = options.Value.MaxRequestBodySize;

    public Task InvokeAsync(HttpContext context)
    {
        long? limit = _maxBodySize;
        if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } endpointLimit)
        {
            limit = endpointLimit.MaxRequestBodySize;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel)
            {
                kestrel.MaxRequestBodySize = limit;
            }
        }

        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            HostingLog.BodyTooLarge(logger, declared, limit.Value);

            // The unread body would otherwise be drained by Kestrel before the connection can be reused.
            context.Response.Headers.Connection = "close";
            return ProblemResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is {declared} bytes; the limit is {limit} bytes.");
        }

        return next(context);
    }
}
