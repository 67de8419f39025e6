using System.Globalization;
using System.Threading.RateLimiting;
using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>
/// The 429 answer (problem+json with <c>Retry-After</c>), kept cheaper than a served request: the logger is made
/// once, the client named only when Debug is on, the problem service resolved once, and per budget and Retry-After
/// value the detail text, the header value and the problem's first members (type, title, status, detail; encoded)
/// built once. <see cref="RateLimitMiddleware"/> calls <see cref="TryRejectDirect"/> itself, synchronously and
/// without an <see cref="OnRejectedContext"/>, when this is the configured
/// <see cref="RateLimiterOptions.OnRejected"/>.
/// </summary>
internal sealed class RateLimitRejection(BudgetPolicy[] policies, ILogger logger)
{
    private const int CachedSeconds = 64;
    private readonly Answer?[][] _answers = [.. Enumerable.Range(0, policies.Length * 2).Select(static _ => new Answer?[CachedSeconds + 1])];
    private ProblemOutput? _output;

    /// <summary>The <see cref="RateLimiterOptions.OnRejected"/> callback.</summary>
    public ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        TryRejectDirect(rejected.HttpContext, rejected.Lease) ? ValueTask.CompletedTask : RejectThroughServiceAsync(rejected.HttpContext, rejected.Lease);

    /// <summary>
    /// Answers the rejection when the problem can be written directly (no module member to add, no problem
    /// customization): status, <c>Retry-After</c> and body, synchronously. False, with nothing written, otherwise.
    /// </summary>
    public bool TryRejectDirect(HttpContext context, RateLimitLease lease)
    {
        var endpoint = context.GetEndpoint();
        var module = endpoint?.Metadata.GetMetadata<ModuleEndpointMetadata>();
        // Resolved once; publishing the holder is one reference write, so readers see both fields or none.
        var output = _output ??= ProblemOutput.From(context.RequestServices);
        // Direct only when the endpoint's module adds no members of its own (those go through the shaper).
        if (output.Direct is not { } writer || module?.ShapeProblem is not null)
        {
            return false;
        }

        var answer = Prepare(context, endpoint, module, lease);
        writer.WriteDirect(context, StatusCodes.Status429TooManyRequests, answer.Head);
        return true;
    }

    private async ValueTask RejectThroughServiceAsync(HttpContext context, RateLimitLease lease)
    {
        var endpoint = context.GetEndpoint();
        var answer = Prepare(context, endpoint, endpoint?.Metadata.GetMetadata<ModuleEndpointMetadata>(), lease);
        var output = _output ??= ProblemOutput.From(context.RequestServices);
        await ProblemResponses.WriteAsync(output.Service, context, StatusCodes.Status429TooManyRequests, answer.Detail).ConfigureAwait(false);
    }

    /// <summary>Sets <c>Retry-After</c> (from the lease, else one permit's time), logs at Debug, and returns the answer.</summary>
    private Answer Prepare(HttpContext context, Endpoint? endpoint, ModuleEndpointMetadata? module, RateLimitLease lease)
    {
        var isWrite = endpoint?.Metadata.GetMetadata<WriteAccessMetadata>() is not null;
        int index = module is null ? 0 : module.Index + 1;
        var budget = isWrite ? policies[index].Writes : policies[index].Reads;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? wait.TotalSeconds
            : 1 / budget.PermitsPerSecond;
        var seconds = (int)Math.Clamp(Math.Ceiling(retryAfter), 1, int.MaxValue);
        var answer = AnswerFor(index * 2 + (isWrite ? 1 : 0), isWrite, budget, seconds);
        context.Response.Headers.RetryAfter = answer.RetryAfter;
        if (logger.IsEnabled(LogLevel.Debug))
        {
            HostingLog.RateLimited(logger, ClientOf(context));
        }

        return answer;
    }

    private Answer AnswerFor(int cacheIndex, bool isWrite, TokenBucketSettings budget, int seconds)
    {
        var cache = _answers[cacheIndex];
        return seconds <= CachedSeconds && cache[seconds] is { } cached ? cached : NewAnswer(cache, isWrite, budget, seconds);
    }

    private static Answer NewAnswer(Answer?[] cache, bool isWrite, TokenBucketSettings budget, int seconds)
    {
        var detail = FormattableString.Invariant($"The {(isWrite ? "write" : "read")} rate limit of {budget.PermitsPerSecond} requests per second (burst {budget.Burst}) for this client was exceeded; retry after {seconds} s.");
        var answer = new Answer(detail, ProblemJsonWriter.EncodeHead(StatusCodes.Status429TooManyRequests, detail), seconds.ToString(CultureInfo.InvariantCulture));
        if (seconds <= CachedSeconds)
        {
            cache[seconds] = answer;
        }

        return answer;
    }

    private static string ClientOf(HttpContext context) =>
        context.GetApiKeyName() is { } keyName
            ? "key:" + keyName
            : ClientKey.For(context.Connection.RemoteIpAddress);

    /// <summary>The detail text of one budget and Retry-After value, the direct problem's encoded head with it, and the header value.</summary>
    private sealed record Answer(string Detail, byte[] Head, string RetryAfter);

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
