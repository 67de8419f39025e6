using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Logging;

/// <summary>
/// Every chassis log message, source-generated. Event ids are stable (the chassis' range in ModuleCatalog) because alerting rules match on them;
/// add new ids, never renumber.
/// </summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "No API keys are configured (Auth:ApiKeys / Auth:ApiKeysFile); write endpoints accept only loopback clients")]
    public static partial void NoApiKeysConfigured(ILogger logger);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Loaded {Count} API keys")]
    public static partial void ApiKeysLoaded(ILogger logger, int count);

    /// <summary>Warning at most once per client per minute (alerting matches it); the client's other failures at Debug.</summary>
    [LoggerMessage(EventId = 1002, Message = "Rejected a request with an unknown API key from {RemoteAddress} ({SuppressedCount} such rejections of this client at Debug since its last warning)")]
    public static partial void UnknownApiKey(ILogger logger, LogLevel level, string remoteAddress, int suppressedCount);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Rejected a request without an API key")]
    public static partial void MissingApiKey(ILogger logger);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Rejected a write from non-loopback {RemoteAddress} because no API keys are configured")]
    public static partial void NonLoopbackWrite(ILogger logger, string remoteAddress);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Rate limit exceeded for client {Client}")]
    public static partial void RateLimited(ILogger logger, string client);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "{Method} {Path} finished with {StatusCode} in {ElapsedMilliseconds:0.###} ms")]
    public static partial void RequestFinished(ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Shutdown requested: readiness now fails; serving for {DrainDelaySeconds} s before closing listeners")]
    public static partial void DrainStarted(ILogger logger, double drainDelaySeconds);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Drain delay over; stopping listeners and finishing in-flight requests")]
    public static partial void DrainFinished(ILogger logger);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Startup complete: every module is ready; readiness may now pass")]
    public static partial void StartupComplete(ILogger logger);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Ignored an invalid X-Request-ID header and generated {RequestId}")]
    public static partial void InvalidRequestId(ILogger logger, string requestId);


    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "OpenTelemetry OTLP export of traces and metrics enabled to {Endpoint}")]
    public static partial void OtlpEnabled(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Debug, Message = "Rejected a request target of {Length} characters (limit {Limit})")]
    public static partial void UrlTooLong(ILogger logger, int length, int limit);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Debug, Message = "Rejected a request body of {Length} bytes (limit {Limit})")]
    public static partial void BodyTooLarge(ILogger logger, long length, long limit);


    [LoggerMessage(EventId = 1016, Level = LogLevel.Error, Message = "Unhandled exception while serving {Method} {Path}")]
    public static partial void UnhandledException(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Debug, Message = "Rejected a malformed request with {StatusCode}: {Reason}")]
    public static partial void BadRequest(ILogger logger, int statusCode, string reason);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Debug, Message = "Refused to check an API key from {Client}: its budget of failed attempts is spent; retry after {RetryAfterSeconds} s")]
    public static partial void AuthFailureBudgetSpent(ILogger logger, string client, int retryAfterSeconds);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Information, Message = "Module {Module} is ready ({Detail})")]
    public static partial void ModuleReady(ILogger logger, string module, string detail);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Critical, Message = "Module {Module} failed to start: {Reason}; stopping")]
    public static partial void ModuleFailed(ILogger logger, string module, string reason);
}
