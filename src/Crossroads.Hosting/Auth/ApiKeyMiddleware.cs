using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Logging;
using Crossroads.Hosting.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Crossroads.Hosting.Auth;

/// <summary>
/// Runs after routing (it needs the endpoint's metadata) and before rate limiting (which partitions by key name).
/// On success with a key, the request's <see cref="HttpContext.User"/> is named after the key and an <c>ApiKey</c>
/// logging scope is opened for the rest of the request. Because it runs before the rate limiter, failed attempts
/// have their own per-address budget (<see cref="AuthFailureBudget"/>): once a client has spent it, requests
/// presenting any key get 429 before the key is checked. Failures are counted in <c>http_auth_failures_total{reason}</c>.
/// </summary>
internal sealed class ApiKeyMiddleware
{
    public const string AuthenticationType = "ApiKey";

    public const string ApiKeyHeader = "X-API-Key";

    public const string MeterName = "Crossroads.Hosting.Auth";

    private readonly RequestDelegate _next;
    private readonly ApiKeyAuthorizer _authorizer;
    private readonly AuthFailureBudget _budget;
    private readonly ILogger<ApiKeyMiddleware> _logger;
    private readonly Counter<long> _failures;

    public ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthorizer authorizer, AuthFailureBudget budget, IMeterFactory meterFactory, ILogger<ApiKeyMiddleware> logger)
    {
        _next = next;
        _authorizer = authorizer;
        _budget = budget;
        _logger = logger;
        _failures = meterFactory.Create(MeterName).CreateCounter<long>(
            "http_auth_failures_total",
            description: "Requests refused by API-key authentication, by reason: missing_key (401), wrong_key or not_loopback (403).");
    }

    /// <summary>
    /// Synchronous up to the decision: an allowed request without a key (the common case, and every probe) goes on
    /// without a state machine of its own; refusals and named keys continue in asynchronous helpers.
    /// </summary>
    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<OperationsEndpointMetadata>() is not null)
        {
            return _next(context);
        }

        var presentedKey = PresentedKey(context.Request);
        var remoteAddress = context.Connection.RemoteIpAddress;
        if (presentedKey is not null && _budget.IsEnabled)
        {
            var client = ClientKey.For(remoteAddress);
            if (!_budget.TryAdmit(client, out var retryAfter))
            {
                return RefuseAsync(context, client, retryAfter);
            }
        }

        var kind = endpoint?.Metadata.GetMetadata<WriteAccessMetadata>() is null ? AccessKind.Read : AccessKind.Write;
        var decision = _authorizer.Decide(kind, presentedKey, remoteAddress);
        if (!decision.IsAllowed)
        {
            return RejectAsync(context, decision);
        }

        return decision.KeyName is null ? _next(context) : RunAsKeyAsync(context, decision.KeyName);
    }

    /// <summary>The metric label for a failure; a small fixed set.</summary>
    internal static string ReasonLabel(AuthFailureReason reason) => reason switch
    {
        AuthFailureReason.MissingKey => "missing_key",
        AuthFailureReason.WrongKey => "wrong_key",
        AuthFailureReason.NotLoopback => "not_loopback",
        _ => "other",
    };

    /// <summary>The rest of the request as the key's principal, inside an <c>ApiKey</c> logging scope.</summary>
    private async Task RunAsKeyAsync(HttpContext context, string keyName)
    {
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, keyName)], AuthenticationType));
        using (_logger.BeginScope(new KeyValuePair<string, object?>[] { new("ApiKey", keyName) }))
        {
            await _next(context).ConfigureAwait(false);
        }
    }

    private async Task RejectAsync(HttpContext context, AuthDecision decision)
    {
        _failures.Add(1, new KeyValuePair<string, object?>("reason", ReasonLabel(decision.Reason)));
        var remoteAddress = context.Connection.RemoteIpAddress;
        switch (decision.Reason)
        {
            case AuthFailureReason.MissingKey:
                HostingLog.MissingApiKey(_logger);
                context.Response.Headers.WWWAuthenticate = "Bearer";
                break;
            case AuthFailureReason.WrongKey:
                var warn = _budget.RecordWrongKey(ClientKey.For(remoteAddress), out var suppressed);
                HostingLog.UnknownApiKey(_logger, warn ? LogLevel.Warning : LogLevel.Debug, remoteAddress?.ToString() ?? ClientKey.Unknown, suppressed);
                break;
            default:
                HostingLog.NonLoopbackWrite(_logger, remoteAddress?.ToString() ?? ClientKey.Unknown);
                break;
        }

        await ProblemResponses.WriteAsync(context, decision.StatusCode, decision.Detail!).ConfigureAwait(false);
    }

    private async Task RefuseAsync(HttpContext context, string client, TimeSpan retryAfter)
    {
        var seconds = (int)Math.Clamp(Math.Ceiling(retryAfter.TotalSeconds), 1, int.MaxValue);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        HostingLog.AuthFailureBudgetSpent(_logger, client, seconds);
        await ProblemResponses.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            FormattableString.Invariant($"Too many requests with an invalid API key from this client (limit {_budget.PermitsPerSecond} per second, burst {_budget.Burst}); the key was not checked; retry after {seconds} s.")).ConfigureAwait(false);
    }

    /// <summary><c>X-API-Key</c> wins over <c>Authorization: Bearer</c>; other Authorization schemes are not ours and are ignored.</summary>
    internal static string? PresentedKey(HttpRequest request)
    {
        var apiKey = request.Headers[ApiKeyHeader];
        if (apiKey.Count > 0 && !string.IsNullOrEmpty(apiKey[0]))
        {
            return apiKey[0];
        }

        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count > 0 && authorization[0] is { } value
            && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = value.AsSpan(7).Trim();
            return token.IsEmpty ? null : token.ToString();
        }

        return null;
    }
}
