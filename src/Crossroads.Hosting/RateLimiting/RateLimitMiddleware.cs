using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>
/// Applies the global limiter of <see cref="RateLimiterOptions"/> (the partitioned token buckets
/// <see cref="RateLimiterSetup"/> builds from System.Threading.RateLimiting) in place of <c>UseRateLimiter()</c>.
/// For what the chassis configures — one global limiter, no endpoint policies, buckets that never queue
/// (<c>QueueLimit = 0</c>) — the framework middleware does the same, at a higher price per request: it also asks an
/// endpoint limiter (a second partition lookup under a lock), combines the two leases into a new object and, on a
/// rejection, asks again through the asynchronous wait path (a second failed lease) before calling
/// <see cref="RateLimiterOptions.OnRejected"/>. Measured at ~3 % of a lookup's server CPU. It honours the same opt-out
/// (<see cref="DisableRateLimitingAttribute"/>, i.e. <c>.DisableRateLimiting()</c>); named policies
/// (<c>RequireRateLimiting</c>) are not part of the module contract (modules declare budgets instead) and are ignored.
/// A rejection by the chassis' own <see cref="RateLimitRejection"/> is written synchronously, without the
/// <see cref="OnRejectedContext"/> and the asynchronous frames of the general path, so that a 429 costs less than the
/// lookup it refuses.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, IOptions<RateLimiterOptions> options)
{
    private readonly PartitionedRateLimiter<HttpContext>? _limiter = options.Value.GlobalLimiter;
    private readonly Func<OnRejectedContext, CancellationToken, ValueTask>? _onRejected = options.Value.OnRejected;
    private readonly int _rejectionStatusCode = options.Value.RejectionStatusCode;

    // The chassis' own OnRejected, called directly: no OnRejectedContext, no asynchronous frames for a rejection that
    // writes synchronously. Anything else configured there (a wrapper, a replacement) goes the general way.
    private readonly RateLimitRejection? _rejection = options.Value.OnRejected is { HasSingleTarget: true, Target: RateLimitRejection rejection } ? rejection : null;

    public Task InvokeAsync(HttpContext context)
    {
        if (_limiter is null || context.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            return next(context);
        }

        var lease = _limiter.AttemptAcquire(context);
        if (lease.IsAcquired)
        {
            return RunAsync(context, lease);
        }

        return _rejection is not null && TryRejectDirect(_rejection, context, lease) ? Task.CompletedTask : RejectAsync(context, lease);
    }

    /// <summary>The chassis' rejection written synchronously; the lease is released unless the general path still needs it.</summary>
    private static bool TryRejectDirect(RateLimitRejection rejection, HttpContext context, RateLimitLease lease)
    {
        bool answered;
        try
        {
            answered = rejection.TryRejectDirect(context, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        if (answered)
        {
            lease.Dispose();
        }

        return answered;
    }

    /// <summary>
    /// The rest of the request under the lease, which is released when the request leaves (token-bucket leases hold
    /// nothing, but other limiters do). A request that completes synchronously (a lookup) releases it here, without
    /// a state machine; otherwise, or when it throws, the lease is released all the same.
    /// </summary>
    private Task RunAsync(HttpContext context, RateLimitLease lease)
    {
        Task task;
        try
        {
            task = next(context);
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        if (task.IsCompleted)
        {
            lease.Dispose();
            return task;
        }

        return ReleaseWhenDoneAsync(task, lease);
    }

    private static async Task ReleaseWhenDoneAsync(Task task, RateLimitLease lease)
    {
        using (lease)
        {
            await task.ConfigureAwait(false);
        }
    }

    private async Task RejectAsync(HttpContext context, RateLimitLease lease)
    {
        using (lease)
        {
            context.Response.StatusCode = _rejectionStatusCode;
            if (_onRejected is not null)
            {
                await _onRejected(new OnRejectedContext { HttpContext = context, Lease = lease }, context.RequestAborted).ConfigureAwait(false);
            }
        }
    }
}
