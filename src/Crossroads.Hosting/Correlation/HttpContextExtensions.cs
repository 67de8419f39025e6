using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Crossroads.Hosting;

/// <summary>What the chassis established about a request, for module code (audit logs, problem details).</summary>
public static class CrossroadsHttpContextExtensions
{
    /// <summary>The request id (the client's valid <c>X-Request-ID</c> or a generated one), also echoed in the response.</summary>
    public static string GetRequestId(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.TraceIdentifier;
    }

    /// <summary>The <see cref="ApiKeyEntry.Name"/> of the API key that authenticated the request, or null.</summary>
    public static string? GetApiKeyName(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Through the feature, not HttpContext.User: that getter allocates an empty principal (~240 bytes) when none
        // was set, which is every request without a key, and the rate limiter asks on every request.
        return context.Features.Get<IHttpAuthenticationFeature>()?.User?.Identity is ClaimsIdentity { IsAuthenticated: true, AuthenticationType: Auth.ApiKeyMiddleware.AuthenticationType } identity
            ? identity.Name
            : null;
    }
}
