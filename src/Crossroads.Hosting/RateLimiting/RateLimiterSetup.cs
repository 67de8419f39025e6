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
/// Builds the global partitioned token-bucket limiter: separate read and write budgets per client and per module
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
        var rejection = new Rejection(policies, loggerFactory.CreateLogger(typeof(RateLimiterSetup)));
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, RateLimitPartitionKey>(context =>
        {
            var endpoint = context.GetEndpoint();
            if (!enabled || endpoint?.Metadata.GetMetadata<OperationsEndpointMetadata>() is not null)
            {
                return RateLimitPartition.GetNoLimiter(default(RateLimitPartitionKey));
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
            return RateLimitPartition.Get(key, isWrite ? policy.NewWriteBucket : policy.NewReadBucket);
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

    private static string ClientOf(HttpContext context) =>
        context.GetApiKeyName() is { } keyName
            ? "key:" + keyName
            : ClientKey.For(context.Connection.RemoteIpAddress);

    private static int PolicyIndex(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ModuleEndpointMetadata>() is { } module ? module.Index + 1 : 0;

    /// <summary>One set of budgets with its limiter options and bucket factories built once (not a closure per request).</summary>
    private sealed class BudgetPolicy
    {
        public BudgetPolicy(TokenBucketSettings reads, TokenBucketSettings writes, RateLimitScope partitionBy)
        {
            Reads = reads;
            Writes = writes;
            PartitionBy = partitionBy;
            var readOptions = ToLimiterOptions(reads);
            var writeOptions = ToLimiterOptions(writes);
            NewReadBucket = _ => new TokenBucketRateLimiter(readOptions);
            NewWriteBucket = _ => new TokenBucketRateLimiter(writeOptions);
        }

        public TokenBucketSettings Reads { get; }

        public TokenBucketSettings Writes { get; }

        public RateLimitScope PartitionBy { get; }

        public Func<RateLimitPartitionKey, RateLimiter> NewReadBucket { get; }

        public Func<RateLimitPartitionKey, RateLimiter> NewWriteBucket { get; }
    }

    /// <summary>
    /// The 429 answer, kept cheaper than a served request: the logger is made once, the client named only when Debug
    /// is on, the problem service resolved once, and the detail text and the problem's first members (type, title,
    /// status, detail; encoded once) built once per budget and Retry-After value.
    /// </summary>
    private sealed class Rejection(BudgetPolicy[] policies, ILogger logger)
    {
        private const int CachedSeconds = 64;
        private readonly Answer?[][] _answers = [.. Enumerable.Range(0, policies.Length * 2).Select(static _ => new Answer?[CachedSeconds + 1])];
        private ProblemOutput? _output;

        public async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
        {
            var context = rejected.HttpContext;
            var endpoint = context.GetEndpoint();
            var isWrite = endpoint?.Metadata.GetMetadata<WriteAccessMetadata>() is not null;
            int index = PolicyIndex(endpoint);
            var budget = isWrite ? policies[index].Writes : policies[index].Reads;
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                ? wait.TotalSeconds
                : 1 / budget.PermitsPerSecond;
            var seconds = (int)Math.Clamp(Math.Ceiling(retryAfter), 1, int.MaxValue);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                HostingLog.RateLimited(logger, ClientOf(context));
            }

            // Resolved once; publishing the holder is one reference write, so readers see both fields or none.
            var output = _output ??= ProblemOutput.From(context.RequestServices);
            var answer = AnswerFor(index * 2 + (isWrite ? 1 : 0), isWrite, budget, seconds);
            // Direct only when the endpoint's module adds no members of its own (those go through the shaper).
            if (output.Direct is { } writer && endpoint?.Metadata.GetMetadata<ModuleEndpointMetadata>()?.ShapeProblem is null)
            {
                writer.WriteDirect(context, StatusCodes.Status429TooManyRequests, answer.Head);
                return;
            }

            await ProblemResponses.WriteAsync(output.Service, context, StatusCodes.Status429TooManyRequests, answer.Detail).ConfigureAwait(false);
        }

        private static Answer AnswerFor(Answer?[] cache, bool isWrite, TokenBucketSettings budget, int seconds)
        {
            var detail = FormattableString.Invariant($"The {(isWrite ? "write" : "read")} rate limit of {budget.PermitsPerSecond} requests per second (burst {budget.Burst}) for this client was exceeded; retry after {seconds} s.");
            var answer = new Answer(detail, ProblemJsonWriter.EncodeHead(StatusCodes.Status429TooManyRequests, detail));
            if (seconds <= CachedSeconds)
            {
                cache[seconds] = answer;
            }

            return answer;
        }

        private Answer AnswerFor(int cacheIndex, bool isWrite, TokenBucketSettings budget, int seconds)
        {
            var cache = _answers[cacheIndex];
            return seconds <= CachedSeconds && cache[seconds] is { } cached ? cached : AnswerFor(cache, isWrite, budget, seconds);
        }

        /// <summary>The detail text of one budget and Retry-After value, and the direct problem's encoded head with it.</summary>
        private sealed record Answer(string Detail, byte[] Head);
    }

    /// <summary>
    /// Where 429 problems go. The problem service asks its writers in order and ours accepts everything: when it is
    /// first and nothing customizes problems, writing directly gives the same bytes without the per-problem objects.
    /// </summary>
    private sealed record ProblemOutput(IProblemDetailsService Service, ProblemJsonWriter? Direct)
    {
        public static ProblemOutput From(IServiceProvider services) => new(
            services.GetRequiredService<IProblemDetailsService>(),
            services.GetServices<IProblemDetailsWriter>().FirstOrDefault() is ProblemJsonWriter { CanWriteDirect: true } direct ? direct : null);
    }
}
