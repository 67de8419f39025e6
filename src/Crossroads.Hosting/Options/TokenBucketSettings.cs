namespace Crossroads.Hosting;

/// <summary>One token-bucket budget: a steady refill rate plus a burst allowance.</summary>
public sealed class TokenBucketSettings
{
    /// <summary>Tokens added per second; may be fractional (0.5 = one request every two seconds).</summary>
    public double PermitsPerSecond { get; set; }

    /// <summary>Bucket size: how many requests a client may make at once after being idle.</summary>
    public int Burst { get; set; }
}
