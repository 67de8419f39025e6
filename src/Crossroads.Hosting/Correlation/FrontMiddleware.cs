using System.Diagnostics;
using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Correlation;

/// <summary>
/// The chassis' first middleware; three steps that were three middlewares (one layer per request costs less than three:
/// a delegate call, a state machine and its checks each):
/// <list type="number">
/// <item>Settles the request id (client's <c>X-Request-ID</c> if valid, else a new one), echoes it, stores it as
/// <see cref="HttpContext.TraceIdentifier"/> and opens a logging scope with it and the W3C trace id (from the request
/// activity when OpenTelemetry made one, else from <c>traceparent</c>, see <see cref="RequestLogScope"/>), so every log
/// line of the request carries both (through <see cref="RequestScopeProvider"/>, not <c>BeginScope</c>).</item>
/// <item>Rejects over-long URLs (414) before routing, so the client gets a problem+json answer instead of Kestrel's
/// empty one.</item>
/// <item>Does what <c>UseStatusCodePages()</c> did for us: an error status (400-599) left without a body (404, 405,
/// 504, Kestrel's own) is answered with a problem through the problem service. It honours the same opt-outs
/// (<see cref="IStatusCodePagesFeature.Enabled"/>, <see cref="ISkipStatusCodePagesMetadata"/>). The framework's
/// middleware (.NET 10) also stores its path format in <see cref="HttpContext.Items"/> on every request, which
/// creates the Items dictionary (~250 bytes per request with the feature), for re-execution we do not use.</item>
/// </list>
/// The exception handler comes right after it, so exceptions are logged in the request's scope and answered before
/// step 3 looks at the response. Log categories stay those of the former middlewares.
/// </summary>
internal sealed class FrontMiddleware
{
    private const string CorrelationCategory = "Crossroads.Hosting.Correlation.CorrelationMiddleware";
    private const string LimitsCategory = "Crossroads.Hosting.Limits.RequestLimitsMiddleware";

    private readonly RequestDelegate _next;
    private readonly IProblemDetailsService _problems;
    private readonly ILogger _logger;
    private readonly ILogger _limitsLogger;
    private readonly int _maxUrlLength;

    public FrontMiddleware(RequestDelegate next, IProblemDetailsService problems, IOptions<LimitsOptions> limits, ILoggerFactory loggers)
    {
        _next = next;
        _problems = problems;
        _logger = loggers.CreateLogger(CorrelationCategory);
        _limitsLogger = loggers.CreateLogger(LimitsCategory);
        _maxUrlLength = limits.Value.MaxUrlLength;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[RequestIds.HeaderName];
        string requestId;
        if (incoming.Count == 1 && RequestIds.IsValid(incoming[0]))
        {
            requestId = incoming[0]!;
        }
        else
        {
            requestId = RequestIds.NewId();
            if (incoming.Count > 0)
            {
                HostingLog.InvalidRequestId(_logger, requestId);
            }
        }

        context.TraceIdentifier = requestId;
        context.Response.Headers[RequestIds.HeaderName] = requestId;

        var headers = context.Request.Headers;
        var traceParent = headers.TraceParent;
        var requestScope = new RequestLogScope(requestId, Activity.Current, traceParent.Count == 1 ? traceParent[0] : null);
        context.Features.Set(requestScope);
        // One state machine for the whole request, which is also what closes the log scope: set here, inside the
        // asynchronous method, the value is undone when the method returns to its caller (see RequestScopeProvider).
        // The Debug timing line is written inside the scope.
        RequestScopeProvider.Enter(requestScope);
        bool timed = _logger.IsEnabled(LogLevel.Debug);
        long start = timed ? Stopwatch.GetTimestamp() : 0;
        try
        {
            // The URL limit, the rest of the pipeline, then the problem for an empty error answer.
            var length = TargetLength(context);
            if (length > _maxUrlLength)
            {
                HostingLog.UrlTooLong(_limitsLogger, length, _maxUrlLength);
                await ProblemResponses.WriteAsync(_problems, context, StatusCodes.Status414UriTooLong, $"The request URL (path and query) is {length} characters long; the limit is {_maxUrlLength}.").ConfigureAwait(false);
                return;
            }

            // The request scope is also the status-code-pages feature: one object per request instead of two.
            context.Features.Set<IStatusCodePagesFeature>(requestScope);
            await _next(context).ConfigureAwait(false);

            var response = context.Response;
            if (!requestScope.Enabled
                || response.HasStarted
                || response.StatusCode is < 400 or >= 600
                || response.ContentLength.HasValue
                || !string.IsNullOrEmpty(response.ContentType)
                || context.GetEndpoint()?.Metadata.GetMetadata<ISkipStatusCodePagesMetadata>() is not null)
            {
                return;
            }

            await _problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = response.StatusCode },
            }).ConfigureAwait(false);
        }
        finally
        {
            if (timed)
            {
                HostingLog.RequestFinished(_logger, context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
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
