using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>
/// The global limiter: one bucket per <see cref="RateLimitPartitionKey"/>, made on first use, refilled and dropped
/// when idle by one 100 ms heartbeat. It does what <c>PartitionedRateLimiter.Create</c> does for the chassis, whose
/// lookup allocated a closure on every request (the partition captured for a <c>Lazy</c> that only a new partition
/// needs; ~60 of a lookup's ~560 bytes) and took a lock around its dictionary; here a hit is one lock-free
/// <see cref="ConcurrentDictionary{TKey, TValue}"/> read. Like the framework's, a bucket idle (full) for 10 s is
/// removed and disposed; a request that picked it up just before finds it disposed and asks again, getting a new
/// bucket (the framework's limiter throws there, which the request would see as a 500).
/// </summary>
internal sealed class BudgetLimiter : PartitionedRateLimiter<HttpContext>
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromMilliseconds(100);

    // A successful lease for exempt requests: the no-op limiter hands out one shared lease.
    private static readonly RateLimiter Unlimited = RateLimitPartition.GetNoLimiter(0).Factory(0);

    private readonly ConcurrentDictionary<RateLimitPartitionKey, RateLimiter> _buckets = new();
    private readonly Func<HttpContext, Bucket> _bucketOf;
    private readonly TimeSpan _idleLimit;
    private readonly Timer _heartbeat;
    private volatile bool _disposed;

    /// <param name="bucketOf">The request's bucket: its key and factory, or <see cref="Bucket.None"/> when exempt.</param>
    /// <param name="idleLimit">How long a bucket may stay full before it is dropped (the framework's 10 s; shorter in tests).</param>
    public BudgetLimiter(Func<HttpContext, Bucket> bucketOf, TimeSpan? idleLimit = null)
    {
        _bucketOf = bucketOf;
        _idleLimit = idleLimit ?? TimeSpan.FromSeconds(10);
        // The timer holds the limiter weakly, so a limiter nobody uses any more (a test server's) stops its timer.
        var state = new HeartbeatState(new WeakReference<BudgetLimiter>(this));
        _heartbeat = new Timer(static s => ((HeartbeatState)s!).Beat(), state, HeartbeatPeriod, HeartbeatPeriod);
        state.Timer = _heartbeat;
    }

    /// <summary>The buckets made so far (for tests).</summary>
    internal int BucketCount => _buckets.Count;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => LimiterOf(resource).GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        try
        {
            return LimiterOf(resource).AttemptAcquire(permitCount);
        }
        catch (ObjectDisposedException) when (!_disposed)
        {
            // The heartbeat removed this bucket (idle) and disposed it after we looked it up: it is out of the
            // dictionary now, so the second lookup makes a new one.
            return LimiterOf(resource).AttemptAcquire(permitCount);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        LimiterOf(resource).AcquireAsync(permitCount, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _heartbeat.Dispose();
            foreach (var bucket in _buckets.Values)
            {
                bucket.Dispose();
            }

            _buckets.Clear();
        }

        base.Dispose(disposing);
    }

    private RateLimiter LimiterOf(HttpContext resource)
    {
        var bucket = _bucketOf(resource);
        if (bucket.Factory is null)
        {
            return Unlimited;
        }

        return _buckets.TryGetValue(bucket.Key, out var limiter)
            ? limiter
            : _buckets.GetOrAdd(bucket.Key, static (key, factory) => factory(key), bucket.Factory);
    }

    /// <summary>Refills the buckets that do not refill themselves; drops those that have been full for the idle limit.</summary>
    internal void Heartbeat()
    {
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IdleDuration is { } idle && idle > _idleLimit)
            {
                if (_buckets.TryRemove(new KeyValuePair<RateLimitPartitionKey, RateLimiter>(key, bucket)))
                {
                    bucket.Dispose();
                }
            }
            else if (bucket is ReplenishingRateLimiter { IsAutoReplenishing: false } replenishing)
            {
                replenishing.TryReplenish();
            }
        }
    }

    /// <summary>A request's bucket: its key and the factory that makes it; <see cref="None"/> for exempt requests.</summary>
    internal readonly record struct Bucket(RateLimitPartitionKey Key, Func<RateLimitPartitionKey, RateLimiter>? Factory)
    {
        public static Bucket None => default;
    }

    private sealed class HeartbeatState(WeakReference<BudgetLimiter> limiter)
    {
        public Timer? Timer { get; set; }

        public void Beat()
        {
            if (limiter.TryGetTarget(out var target))
            {
                target.Heartbeat();
            }
            else
            {
                Timer?.Dispose();
            }
        }
    }
}
