namespace Crossroads.Hosting;

/// <summary>Who one rate-limit budget belongs to.</summary>
public enum RateLimitScope
{
    /// <summary>The API key's name when the request carries a valid key, else the client address (IPv6 by /64).</summary>
    Client,

    /// <summary>Always the client address (IPv6 by /64), as public APIs limit per IP.</summary>
    Address,
}
