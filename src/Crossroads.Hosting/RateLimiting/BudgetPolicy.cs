using System.Threading.RateLimiting;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>One set of budgets with its limiter options and bucket factories built once (not a closure per request).</summary>
internal sealed class BudgetPolicy
{
    public BudgetPolicy(TokenBucketSettings reads, TokenBucketSettings writes, RateLimitScope partitionBy)
    {
        Reads = reads;
        Writes = writes;
        PartitionBy = partitionBy;
        var readOptions = RateLimiterSetup.ToLimiterOptions(reads);
        var writeOptions = RateLimiterSetup.ToLimiterOptions(writes);
        NewReadBucket = _ => new TokenBucketRateLimiter(readOptions);
        NewWriteBucket = _ => new TokenBucketRateLimiter(writeOptions);
    }

    public TokenBucketSettings Reads { get; }

    public TokenBucketSettings Writes { get; }

    public RateLimitScope PartitionBy { get; }

    public Func<RateLimitPartitionKey, RateLimiter> NewReadBucket { get; }

    public Func<RateLimitPartitionKey, RateLimiter> NewWriteBucket { get; }
}
