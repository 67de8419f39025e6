using System.Collections.Frozen;

namespace Crossroads.ModelRouting.Limits;

/// <summary>
/// Per-key requests-per-minute and tokens-per-minute limits, in this process. Tokens are admitted at the request's
/// worst case (prompt estimate + output cap) and settled to the actual usage afterwards (<see cref="Settle"/>).
/// Keys without limits cost one frozen-dictionary lookup; limited keys take their bucket's lock for a few
/// arithmetic operations. On its own the limiter is per replica (N replicas behind a balancer allow up to N times the
/// limit); <see cref="SharedRateLimits"/> makes replicas take what the others took.
/// </summary>
public sealed class KeyRateLimiter
{
    private readonly FrozenDictionary<string, KeyRateBucket> _buckets;

    /// <summary>Creates the limiter for <paramref name="limits"/> (keys with neither limit are left out).</summary>
    public KeyRateLimiter(IEnumerable<KeyLimit> limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        _buckets = limits
            .Where(static l => l.RequestsPerMinute is not null || l.TokensPerMinute is not null)
            .ToFrozenDictionary(l => l.Key, l => new KeyRateBucket(l.RequestsPerMinute, l.TokensPerMinute, time), StringComparer.Ordinal);
    }

    /// <summary>Admits one request of <paramref name="tokens"/> (worst case) for <paramref name="key"/>, or says when to retry.</summary>
    public RateAdmission TryAdmit(string? key, int tokens) =>
        key is not null && _buckets.TryGetValue(key, out var bucket) ? bucket.TryTake(tokens) : RateAdmission.Unlimited;

    /// <summary>What <paramref name="key"/> has left in each window now, without admitting anything (both null: not limited).</summary>
    public KeyRateState Peek(string? key) =>
        key is not null && _buckets.TryGetValue(key, out var bucket) ? bucket.Peek() : default;

    /// <summary>What this replica took so far, per limited key (cumulative; see <see cref="KeyRateBucket.Used"/>).</summary>
    public IEnumerable<RateUsage> Usage()
    {
        foreach (var (key, bucket) in _buckets)
        {
            var (requests, tokens) = bucket.Used;
            yield return new RateUsage(key, requests, tokens);
        }
    }

    /// <summary>Takes from <paramref name="key"/>'s buckets what other replicas took (a key not limited here is ignored).</summary>
    public void Debit(string key, long requests, long tokens)
    {
        if (_buckets.TryGetValue(key, out var bucket))
        {
            bucket.Debit(requests, tokens);
        }
    }

    /// <summary>Corrects an admitted request's tokens to <paramref name="actualTokens"/>.</summary>
    public static void Settle(RateAdmission admission, int actualTokens)
    {
        ArgumentNullException.ThrowIfNull(admission);
        if (admission.Allowed && admission.Bucket is { } bucket)
        {
            bucket.Settle(admission.ReservedTokens, actualTokens);
        }
    }
}
