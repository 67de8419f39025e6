namespace Crossroads.Hosting;

/// <summary>
/// Per-client request budgets, bound from the <c>RateLimits</c> section. Defaults are generous on purpose: the
/// server is load-tested with wrk from one loopback client at 50k+ requests per second, so benchmarks set
/// <c>RateLimits__Enabled=false</c> (or raise the read budget) rather than the defaults being tuned for them.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>Turns all budgets off when false.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Budget for requests to endpoints not marked as writes.</summary>
    public TokenBucketSettings Reads { get; set; } = new() { PermitsPerSecond = 1000, Burst = 2000 };

    /// <summary>Budget for endpoints marked with <see cref="WriteAccessEndpointExtensions.RequireWriteAccess{TBuilder}"/>.</summary>
    public TokenBucketSettings Writes { get; set; } = new() { PermitsPerSecond = 50, Burst = 100 };

    /// <summary>
    /// Budget for failed API-key attempts (a key presented that matches none) per client address, IPv6 by /64. Once
    /// spent, requests presenting any key get 429 before the key is checked, which stops key guessing.
    /// </summary>
    public TokenBucketSettings AuthFailures { get; set; } = new() { PermitsPerSecond = 1, Burst = 10 };
}
