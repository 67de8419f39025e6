using System.Diagnostics;
using System.Threading.RateLimiting;
using Crossroads.Hosting.Auth;
using Crossroads.Hosting.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Hosting.Tests;

/// <summary>The chassis' partitioned limiter: one bucket per key, refilled by its heartbeat, exempt requests unlimited, idle buckets dropped.</summary>
public sealed class BudgetLimiterTests
{
    // One permit, refilled at 10 per second (one token per 100 ms heartbeat).
    private static readonly Func<RateLimitPartitionKey, RateLimiter> OnePermit = _ => new TokenBucketRateLimiter(
        RateLimiterSetup.ToLimiterOptions(new TokenBucketSettings { PermitsPerSecond = 10, Burst = 1 }));

    [Fact]
    public async Task A_spent_bucket_is_refilled_by_the_heartbeat()
    {
        using var limiter = new BudgetLimiter(context => new BudgetLimiter.Bucket(Key(1), OnePermit));
        var context = new DefaultHttpContext();
        using (var first = limiter.AttemptAcquire(context))
        {
            Assert.True(first.IsAcquired);
        }

        using (var second = limiter.AttemptAcquire(context))
        {
            Assert.False(second.IsAcquired);
        }

        // A token per heartbeat; generous for a loaded machine.
        var waited = Stopwatch.StartNew();
        bool acquired = false;
        while (!acquired && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
            using var lease = limiter.AttemptAcquire(context);
            acquired = lease.IsAcquired;
        }

        Assert.True(acquired, "no permit 5 s after the bucket was spent");
    }

    [Fact]
    public void Each_key_has_its_own_bucket_and_exempt_requests_make_none()
    {
        var client = 1;
        bool exempt = false;
        using var limiter = new BudgetLimiter(context => exempt ? BudgetLimiter.Bucket.None : new BudgetLimiter.Bucket(Key(client), OnePermit));
        var context = new DefaultHttpContext();
        Assert.True(limiter.AttemptAcquire(context).IsAcquired);
        Assert.False(limiter.AttemptAcquire(context).IsAcquired);
        client = 2;
        Assert.True(limiter.AttemptAcquire(context).IsAcquired);
        Assert.Equal(2, limiter.BucketCount);

        exempt = true;
        for (int i = 0; i < 10; i++)
        {
            Assert.True(limiter.AttemptAcquire(context).IsAcquired);
        }

        Assert.Equal(2, limiter.BucketCount);
    }

    [Fact]
    public async Task A_bucket_full_for_longer_than_the_idle_limit_is_dropped()
    {
        using var limiter = new BudgetLimiter(context => new BudgetLimiter.Bucket(Key(1), OnePermit), idleLimit: TimeSpan.FromMilliseconds(50));
        var context = new DefaultHttpContext();
        Assert.True(limiter.AttemptAcquire(context).IsAcquired);
        Assert.Equal(1, limiter.BucketCount);

        // Refilled by a heartbeat, then full for longer than 50 ms: a later heartbeat drops it.
        var waited = Stopwatch.StartNew();
        while (limiter.BucketCount > 0 && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, limiter.BucketCount);
        // The next request starts a fresh (full) bucket.
        Assert.True(limiter.AttemptAcquire(context).IsAcquired);
    }

    [Fact]
    public void A_request_that_took_a_bucket_the_heartbeat_then_dropped_gets_a_new_one_not_an_exception()
    {
        // The first bucket is idle past the limit and, when asked, lets the heartbeat run first: exactly the interleaving
        // of a request that looked the bucket up just before the heartbeat removed and disposed it.
        BudgetLimiter? limiter = null;
        int made = 0;
        using var owner = new BudgetLimiter(
            context => new BudgetLimiter.Bucket(Key(1), _ => made++ == 0 ? new DroppedWhileAsked(() => limiter!.Heartbeat()) : OnePermit(Key(1))),
            idleLimit: TimeSpan.Zero);
        limiter = owner;

        using var lease = limiter.AttemptAcquire(new DefaultHttpContext());

        Assert.True(lease.IsAcquired);
        Assert.Equal(2, made);
        Assert.Equal(1, limiter.BucketCount);
    }

    private static RateLimitPartitionKey Key(int client) => new(0, AccessKind.Read, null, (UInt128)client);

    /// <summary>A bucket always idle that runs <paramref name="heartbeat"/> when asked and then behaves as disposed.</summary>
    private sealed class DroppedWhileAsked(Action heartbeat) : RateLimiter
    {
        private bool _disposed;

        public override TimeSpan? IdleDuration => TimeSpan.FromMinutes(1);

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            heartbeat();
            ObjectDisposedException.ThrowIf(_disposed, this);
            throw new InvalidOperationException("the heartbeat did not drop the idle bucket");
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
