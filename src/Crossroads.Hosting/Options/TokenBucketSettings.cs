using System.ComponentModel;

namespace Crossroads.Hosting;

/// <summary>One token-bucket budget: a steady refill rate plus a burst allowance.</summary>
public sealed class TokenBucketSettings
{
    /// <summary>Tokens added per second; may be fractional (0.5 = one request every two seconds).</summary>
    [Description("Requests per second per client (API key name, else remote address; IPv6 by /64); may be fractional.")]
    public double PermitsPerSecond { get; set; }

    /// <summary>Bucket size: how many requests a client may make at once after being idle.</summary>
    [Description("Requests a client may make at once after being idle.")]
    public int Burst { get; set; }
}
