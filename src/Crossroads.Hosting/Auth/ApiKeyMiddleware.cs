using System.Security.Claims;
using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Crossroads.Hosting.Auth;

/// <summary>
/// Runs after routing (it needs the endpoint's metadata) and before rate limiting (which partitions by key name).
/// On success with a key, the request's <see cref="HttpContext.User"/> is named after the key and an <c>ApiKey</c>
/// logging scope is opened for the rest of the request.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthorizer authorizer, ILogger<ApiKeyMiddleware> logger)
{
    public const string AuthenticationType = "ApiKey";

    public const string ApiKeyHeader = "X-API-Key";

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<OperationsEndpointMetadata>() is not null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var kind = endpoint?.Metadata.GetMetadata<WriteAccessMetadata>() is null ? AccessKind.Read : AccessKind.Write;
        var decision = authorizer.Decide(kind, PresentedKey(context.Request), context.Connection.RemoteIpAddress);
        if (!decision.IsAllowed)
        {
            await RejectAsync(context, decision).ConfigureAwait(false);
            return;
        }

        if (decision.KeyName is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, decision.KeyName)], AuthenticationType));
        using (logger.BeginScope(new KeyValuePair<string, object?>[] { new("ApiKey", decision.KeyName) }))
        {
            await next(context).ConfigureAwait(false);
        }
    }

    private async Task RejectAsync(HttpContext context, AuthDecision decision)
    {
        if (decision.StatusCode == StatusCodes.Status401Unauthorized)
        {
            HostingLog.MissingApiKey(logger);
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        else if (PresentedKey(context.Request) is not null)
        {
            HostingLog.UnknownApiKey(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        }
        else
        {
            HostingLog.NonLoopbackWrite(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        }

        await ProblemResponses.WriteAsync(context, decision.StatusCode, decision.Detail!).ConfigureAwait(false);
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
