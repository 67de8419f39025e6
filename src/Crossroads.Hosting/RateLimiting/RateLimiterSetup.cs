using System.Globalization;
using System.Threading.RateLimiting;
using Crossroads.Hosting.Auth;
using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>
/// Builds the global partitioned token-bucket limiter: separate read and write budgets per client, probes and
/// <c>/metrics</c> exempt, rejections answered with 429 problem+json and <c>Retry-After</c>.
/// </summary>
internal static class RateLimiterSetup
{
    public static void Configure(RateLimiterOptions options, RateLimitOptions settings)
    {
        var reads = ToLimiterOptions(settings.Reads);
        var writes = ToLimiterOptions(settings.Writes);
        var enabled = settings.Enabled;
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, RateLimitPartitionKey>(context =>
        {
            var endpoint = context.GetEndpoint();
            if (!enabled || endpoint?.Metadata.GetMetadata<OperationsEndpointMetadata>() is not null)
            {
                return RateLimitPartition.GetNoLimiter(default(RateLimitPartitionKey));
            }

            var kind = endpoint?.Metadata.GetMetadata<WriteAccessMetadata>() is null ? AccessKind.Read : AccessKind.Write;
            var key = new RateLimitPartitionKey(kind, ClientOf(context));
            return RateLimitPartition.GetTokenBucketLimiter(key, k => k.Kind == AccessKind.Write ? writes : reads);
        });
        options.OnRejected = (context, _) => RejectAsync(context, settings);
    }

    /// <summary>
    /// The partitioned limiter replenishes non-auto buckets from one shared 100 ms timer, so rates of 10/s and more
    /// refill every 100 ms; slower rates refill one token per period.
    /// </summary>
    internal static TokenBucketRateLimiterOptions ToLimiterOptions(TokenBucketSettings settings)
    {
        var (period, tokens) = settings.PermitsPerSecond >= 10
            ? (TimeSpan.FromMilliseconds(100), (int)Math.Min(int.MaxValue, Math.Round(settings.PermitsPerSecond / 10)))
            : (TimeSpan.FromSeconds(1 / settings.PermitsPerSecond), 1);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    private static string ClientOf(HttpContext context) =>
        context.GetApiKeyName() is { } keyName
            ? "key:" + keyName
            : context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimitOptions settings)
    {
        var context = rejected.HttpContext;
        var isWrite = context.GetEndpoint()?.Metadata.GetMetadata<WriteAccessMetadata>() is not null;
        var budget = isWrite ? settings.Writes : settings.Reads;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? wait.TotalSeconds
            : 1 / budget.PermitsPerSecond;
        var seconds = (int)Math.Clamp(Math.Ceiling(retryAfter), 1, int.MaxValue);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        HostingLog.RateLimited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimiterSetup)), ClientOf(context));
        await ProblemResponses.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            FormattableString.Invariant($"The {(isWrite ? "write" : "read")} rate limit of {budget.PermitsPerSecond} requests per second (burst {budget.Burst}) for this client was exceeded; retry after {seconds} s.")).ConfigureAwait(false);
    }
}
