using System.Threading.RateLimiting;
using Crossroads.Hosting.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>
/// Builds the global partitioned token-bucket limiter (<see cref="BudgetLimiter"/>): separate read and write budgets per client and per module
/// (a module's own budgets when it declares them, else the chassis' <c>RateLimits:Reads</c>/<c>Writes</c>), probes and
/// <c>/metrics</c> exempt, rejections answered with 429 problem+json and <c>Retry-After</c>.
/// </summary>
internal static class RateLimiterSetup
{
    public static void Configure(RateLimiterOptions options, RateLimitOptions settings, ModuleSet modules, ILoggerFactory loggerFactory)
    {
        // Index 0 is the chassis default; module i uses policy i + 1 (its own, or the default's budgets).
        var policies = new BudgetPolicy[modules.Modules.Count + 1];
        policies[0] = new BudgetPolicy(settings.Reads, settings.Writes, RateLimitScope.Client);
        for (int i = 0; i < modules.Modules.Count; i++)
        {
            policies[i + 1] = settings.Modules.TryGetValue(modules.Modules[i].Identity.Name, out var own)
                ? new BudgetPolicy(own.Reads, own.Writes, own.PartitionBy)
                : policies[0];
        }

        var enabled = settings.Enabled;
        var rejection = new RateLimitRejection(policies, loggerFactory.CreateLogger(typeof(RateLimiterSetup)));
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = new BudgetLimiter(context =>
        {
            var endpoint = context.GetEndpoint();
            if (!enabled || endpoint?.Metadata.GetMetadata<OperationsEndpointMetadata>() is not null)
            {
                return BudgetLimiter.Bucket.None;
            }

            int index = PolicyIndex(endpoint);
            var policy = policies[index];
            var isWrite = endpoint?.Metadata.GetMetadata<WriteAccessMetadata>() is not null;
            var keyName = policy.PartitionBy == RateLimitScope.Client ? context.GetApiKeyName() : null;
            var key = new RateLimitPartitionKey(
                index,
                isWrite ? AccessKind.Write : AccessKind.Read,
                keyName,
                keyName is null ? ClientKey.Bits(context.Connection.RemoteIpAddress) : default);
            return new BudgetLimiter.Bucket(key, isWrite ? policy.NewWriteBucket : policy.NewReadBucket);
        });
        options.OnRejected = rejection.RejectAsync;
    }

    internal static TokenBucketRateLimiterOptions ToLimiterOptions(TokenBucketSettings settings)
    {
        var (tokens, period) = Replenishment(settings.PermitsPerSecond);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    /// <summary>
    /// Chooses <c>TokensPerPeriod / ReplenishmentPeriod</c> equal to the configured rate. The partitioned limiter calls
    /// each bucket from one shared 100 ms timer; once a period has passed, the bucket adds the elapsed time times that
    /// ratio (fractions included), so only the ratio decides the rate and the period only how often refills happen.
    /// The shortest period of 100 ms to 1 s (whole timer ticks) with a whole token count is exact and smooth
    /// (15/s = 3 per 200 ms, 14/s = 7 per 500 ms). Other rates take about one timer tick's worth of tokens (at least
    /// one) and a period rounded to the 100 ns <see cref="TimeSpan"/> tick: exact for 0.5/s (1 per 2 s), within a few
    /// parts per million for 0.3/s or 123.45/s.
    /// </summary>
    internal static (int TokensPerPeriod, TimeSpan Period) Replenishment(double permitsPerSecond)
    {
        for (var tenths = 1; tenths <= 10; tenths++)
        {
            var tokens = permitsPerSecond * tenths / 10;
            var whole = Math.Round(tokens);
            if (whole >= 1 && Math.Abs(tokens - whole) <= 1e-9 * whole)
            {
                return ((int)whole, TimeSpan.FromMilliseconds(100 * tenths));
            }
        }

        var perPeriod = Math.Max(1, Math.Round(permitsPerSecond / 10));
        var ticks = Math.Max(1, Math.Round(perPeriod * TimeSpan.TicksPerSecond / permitsPerSecond));
        return ((int)perPeriod, TimeSpan.FromTicks((long)ticks));
    }

    private static int PolicyIndex(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ModuleEndpointMetadata>() is { } module ? module.Index + 1 : 0;
}
