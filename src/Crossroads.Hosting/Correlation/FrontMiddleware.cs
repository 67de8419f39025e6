using System.Diagnostics;
using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Correlation;

/// <summary>
/// First middleware: settles the request id (client's <c>X-Request-ID</c> if valid, else a new one), echoes it,
/// stores it as <see cref="HttpContext.TraceIdentifier"/> and opens a logging scope with it and the W3C trace id
/// (from the request activity when OpenTelemetry made one, else from <c>traceparent</c>, see
/// <see cref="RequestLogScope"/>), so every log line of the request carries both.
/// </summary>
internal sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
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
                HostingLog.InvalidRequestId(logger, requestId);
            }
        }

        context.TraceIdentifier = requestId;
        context.Response.Headers[RequestIds.HeaderName] = requestId;

        var headers = context.Request.Headers;
        var traceParent = headers.TraceParent;
        var requestScope = new RequestLogScope(requestId, Activity.Current, traceParent.Count == 1 ? traceParent[0] : null);
        context.Features.Set(requestScope);
        using var scope = logger.BeginScope(requestScope);
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            HostingLog.RequestFinished(logger, context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }
}
