namespace Crossroads.ModelRouting.Limits;

/// <summary>
/// The rate limiter's answer for one request: allowed or not, when to retry, and the state of each limited window
/// (null when that limit is not configured). <see cref="TooLarge"/>: the request alone needs more tokens than the
/// key's whole per-minute limit, so waiting cannot help.
/// </summary>
public sealed record RateAdmission(bool Allowed, TimeSpan RetryAfter, RateWindow? Requests, RateWindow? Tokens, int ReservedTokens, bool TooLarge = false)
{
    /// <summary>A key without limits.</summary>
    public static RateAdmission Unlimited { get; } = new(true, TimeSpan.Zero, null, null, 0);

    /// <summary>Whether any limit applies (the answer carries <c>x-ratelimit-*</c> headers).</summary>
    public bool Limited => Requests is not null || Tokens is not null;

    internal KeyRateBucket? Bucket { get; init; }
}
