namespace Crossroads.ModelRouting.Limits;

/// <summary>
/// One key's two token buckets (requests, tokens), each refilling its per-minute limit evenly over a minute and
/// holding at most one minute's worth (so a key may burst its whole minute, then runs at the steady rate — what
/// OpenAI's "remaining"/"reset" headers describe). Both are checked and taken under one short lock: a request is
/// admitted only when both have room, and a refused request takes nothing.
/// <para>
/// For limits shared by replicas (<see cref="SharedRateLimits"/>) the bucket also counts what this replica took
/// (<see cref="Used"/>: requests admitted, tokens after settling) and takes what the others took
/// (<see cref="Debit"/>), which may leave it below zero: a debt the refill pays off before the next admission.
/// </para>
/// </summary>
internal sealed class KeyRateBucket(int? rpm, int? tpm, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _requests = rpm ?? 0;
    private double _tokens = tpm ?? 0;
    private long _updated = time.GetTimestamp();
    private long _usedRequests;
    private long _usedTokens;

    public RateAdmission TryTake(int tokens)
    {
        lock (_gate)
        {
            Refill();
            bool tooLarge = tpm is { } t && tokens > t;
            var waitRequests = rpm is { } r && _requests < 1 ? TimeSpan.FromSeconds((1 - _requests) * 60 / r) : TimeSpan.Zero;
            var waitTokens = tpm is { } tp && !tooLarge && _tokens < tokens ? TimeSpan.FromSeconds((tokens - _tokens) * 60 / tp) : TimeSpan.Zero;
            bool allowed = !tooLarge && waitRequests == TimeSpan.Zero && waitTokens == TimeSpan.Zero;
            if (allowed)
            {
                _requests -= rpm is null ? 0 : 1;
                _tokens -= tpm is null ? 0 : tokens;
                _usedRequests++;
                _usedTokens += tokens;
            }

            return new RateAdmission(allowed, waitRequests > waitTokens ? waitRequests : waitTokens, Window(rpm, _requests), Window(tpm, _tokens), allowed ? tokens : 0, tooLarge) { Bucket = this };
        }
    }

    /// <summary>Both windows as of now (refilled), taking nothing.</summary>
    public KeyRateState Peek()
    {
        lock (_gate)
        {
            Refill();
            return new KeyRateState(Window(rpm, _requests), Window(tpm, _tokens));
        }
    }

    /// <summary>Gives back what was taken beyond <paramref name="actualTokens"/> (or takes the excess: the bucket may go below zero, delaying the next request).</summary>
    public void Settle(int reservedTokens, int actualTokens)
    {
        if (tpm is not { } t)
        {
            return;
        }

        lock (_gate)
        {
            Refill();
            _tokens = Math.Min(t, _tokens + reservedTokens - actualTokens);
            _usedTokens += actualTokens - reservedTokens;
        }
    }

    /// <summary>What this replica took so far: requests admitted and tokens (as settled; in flight at their worst case).</summary>
    public (long Requests, long Tokens) Used
    {
        get
        {
            lock (_gate)
            {
                return (_usedRequests, _usedTokens);
            }
        }
    }

    /// <summary>
    /// Takes what other replicas took (negative: what they gave back when settling), without the room check: the
    /// bucket may go below zero, and the refill pays the debt off before this replica admits again. The debt is capped
    /// at one minute's worth, so a miscount (a replica's rows seen afresh after an outage) blocks a key for at most a
    /// minute.
    /// </summary>
    public void Debit(long requests, long tokens)
    {
        lock (_gate)
        {
            Refill();
            if (rpm is { } r)
            {
                _requests = Math.Clamp(_requests - requests, -r, r);
            }

            if (tpm is { } t)
            {
                _tokens = Math.Clamp(_tokens - tokens, -(double)t, t);
            }
        }
    }

    private void Refill()
    {
        long now = time.GetTimestamp();
        double minutes = time.GetElapsedTime(_updated, now).TotalMinutes;
        _updated = now;
        if (rpm is { } r)
        {
            _requests = Math.Min(r, _requests + (minutes * r));
        }

        if (tpm is { } t)
        {
            _tokens = Math.Min(t, _tokens + (minutes * t));
        }
    }

    private static RateWindow? Window(int? limit, double available) =>
        limit is { } l ? new RateWindow(l, (long)Math.Max(0, Math.Floor(available)), TimeSpan.FromSeconds(Math.Max(0, l - available) * 60 / l)) : null;
}
