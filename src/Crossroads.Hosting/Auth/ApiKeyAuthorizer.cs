using System.Net;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Auth;

/// <summary>
/// The access policy, free of HTTP types so every branch is unit-testable:
/// a presented key must match (else 403); without a key, writes (and reads when <c>Auth:RequireKeyForReads</c>)
/// get 401 when keys exist; with no keys configured at all, writes are accepted only from loopback.
/// </summary>
internal sealed class ApiKeyAuthorizer(ApiKeyStore store, bool requireKeyForReads)
{
    public ApiKeyAuthorizer(ApiKeyStore store, IOptions<AuthOptions> options)
        : this(store, options.Value.RequireKeyForReads)
    {
    }

    public AuthDecision Decide(AccessKind kind, string? presentedKey, IPAddress? remoteAddress)
    {
        if (store.HasKeys)
        {
            if (presentedKey is not null)
            {
                return store.Match(presentedKey) is { } name
                    ? AuthDecision.Allow(name)
                    : AuthDecision.WrongKey("The API key presented is not valid for this server.");
            }

            return kind == AccessKind.Write || requireKeyForReads
                ? AuthDecision.MissingKey("This endpoint requires an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.")
                : AuthDecision.Allow(null);
        }

        if (kind == AccessKind.Read || IsLoopback(remoteAddress))
        {
            return AuthDecision.Allow(null);
        }

        return AuthDecision.NotLoopback("No API keys are configured on this server, so writes are accepted only from loopback addresses; configure Auth:ApiKeys to allow remote writes.");
    }

    internal static bool IsLoopback(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address);
    }
}
