using System.Diagnostics;
using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Correlation;

/// <summary>
/// First middleware: settles the request id (client's <c>X-Request-ID</c> if valid, else a new one), echoes it,
/// stores it as <see cref="HttpContext.TraceIdentifier"/> and opens a logging scope with it and the W3C trace id
/// (ASP.NET Core already parsed <c>traceparent</c> into <see cref="Activity.Current"/>), so every log line of the
/// request carries both.
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

        var activity = Activity.Current;
        using var scope = logger.BeginScope(new RequestLogScope(requestId, activity?.TraceId.ToHexString(), activity?.SpanId.ToHexString()));
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
