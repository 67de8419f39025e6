namespace Crossroads.ModelRouting.Limits;

/// <summary>
/// Makes every replica's <see cref="KeyRateLimiter"/> take what the other replicas took, so N replicas together admit
/// about one key's limit rather than N times it. Each <see cref="SyncAsync"/> (every few hundred milliseconds) writes
/// this replica's cumulative usage per key to the shared store and reads the others'; the growth of another replica's
/// counters since the previous sync is debited from the local buckets.
/// <para>
/// Admission stays local (no round trip on the request path; a store outage leaves each replica with its own limits),
/// so the sharing is approximate: between two syncs each replica can still admit from its own bucket, i.e. up to one
/// sync interval of traffic (and each bucket's burst) beyond the limit, which the debits then pay back. Counters are
/// cumulative, so reading the same rows twice debits nothing twice. At its first sync a replica takes the others'
/// counters as its baseline (what they took before it started is not debited); later, a row it has not seen is all new
/// usage (a replica that started since). Rows of a replica silent for <see cref="StaleAfter"/> are deleted, and a
/// live replica rewrites its rows at least every <see cref="Heartbeat"/>.
/// </para>
/// </summary>
public sealed class SharedRateLimits
{
    /// <summary>How often a replica rewrites its rows even when nothing changed (keeps them from being taken for a dead replica's).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    /// <summary>Rows not rewritten for this long belong to a replica that stopped, and are deleted.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    private readonly KeyRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, RateUsage> _sent = new(StringComparer.Ordinal);
    private Dictionary<(string Replica, string Key), (long Requests, long Tokens)> _seen = [];
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.MinValue;
    private bool _baselined;
    private long _failures;

    /// <summary>Shares <paramref name="limiter"/>'s usage as replica <paramref name="replica"/> (unique per process).</summary>
    public SharedRateLimits(KeyRateLimiter limiter, string replica, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentException.ThrowIfNullOrEmpty(replica);
        ArgumentNullException.ThrowIfNull(time);
        _limiter = limiter;
        Replica = replica;
        _time = time;
    }

    /// <summary>This replica's id in the store.</summary>
    public string Replica { get; }

    /// <summary>Other replicas seen at the last sync.</summary>
    public int OtherReplicas { get; private set; }

    /// <summary>Syncs that failed (<see cref="CountFailure"/>), for the failure metric.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Counts a failed sync (the caller's loop catches it: the limits stay local until the store answers).</summary>
    public void CountFailure() => Interlocked.Increment(ref _failures);

    /// <summary>
    /// Publishes this replica's usage through <paramref name="exchange"/> and debits what the others took since the last
    /// sync. Not reentrant: one loop calls it. A failure (the store is down) changes nothing here; the next sync sends
    /// the counters again and debits everything the others took meanwhile.
    /// </summary>
    public async Task SyncAsync(IRateUsageExchange exchange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var now = _time.GetUtcNow();
        bool heartbeat = now - _lastHeartbeat >= Heartbeat;
        var mine = new List<RateUsage>();
        foreach (var usage in _limiter.Usage())
        {
            bool used = usage.Requests != 0 || usage.Tokens != 0;
            if (used && (heartbeat || !_sent.TryGetValue(usage.Key, out var sent) || sent != usage))
            {
                mine.Add(usage);
            }
        }

        var others = await exchange.ExchangeAsync(Replica, mine, now, now - StaleAfter, cancellationToken).ConfigureAwait(false);
        foreach (var usage in mine)
        {
            _sent[usage.Key] = usage;
        }

        if (heartbeat)
        {
            _lastHeartbeat = now;
        }

        var seen = new Dictionary<(string, string), (long, long)>(others.Count);
        var replicas = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in others)
        {
            seen[(row.Replica, row.Key)] = (row.Requests, row.Tokens);
            replicas.Add(row.Replica);
            if (_baselined)
            {
                var (requests, tokens) = _seen.GetValueOrDefault((row.Replica, row.Key));
                if (row.Requests != requests || row.Tokens != tokens)
                {
                    _limiter.Debit(row.Key, row.Requests - requests, row.Tokens - tokens);
                }
            }
        }

        // Rows that are gone (a stopped replica's, deleted as stale) drop out here.
        _seen = seen;
        _baselined = true;
        OtherReplicas = replicas.Count;
    }
}
