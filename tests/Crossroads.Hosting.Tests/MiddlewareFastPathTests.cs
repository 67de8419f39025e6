using System.Threading.RateLimiting;
using Crossroads.Hosting.Correlation;
using Crossroads.Hosting.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Tests;

/// <summary>
/// The chassis middlewares skip their own state machines when the rest of the request completes synchronously (a
/// lookup); these pin what must still happen on those paths: the rate-limit lease is released however the request
/// ends, and the request's log scope is open during the request and closed (not leaked to the caller) after it.
/// </summary>
public sealed class MiddlewareFastPathTests
{
    [Fact]
    public async Task The_lease_is_released_when_the_request_completes_synchronously()
    {
        var limiter = new TrackingLimiter();
        var middleware = new RateLimitMiddleware(context => Task.CompletedTask, Options.Create(new RateLimiterOptions { GlobalLimiter = limiter }));
        var task = middleware.InvokeAsync(new DefaultHttpContext());
        Assert.True(task.IsCompletedSuccessfully);
        await task;
        Assert.Equal(1, limiter.Acquired);
        Assert.Equal(1, limiter.Released);
    }

    [Fact]
    public async Task The_lease_is_held_until_an_asynchronous_request_completes()
    {
        var limiter = new TrackingLimiter();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var middleware = new RateLimitMiddleware(context => gate.Task, Options.Create(new RateLimiterOptions { GlobalLimiter = limiter }));
        var task = middleware.InvokeAsync(new DefaultHttpContext());
        Assert.False(task.IsCompleted);
        Assert.Equal(0, limiter.Released);
        gate.SetResult();
        await task;
        Assert.Equal(1, limiter.Released);
    }

    [Fact]
    public async Task The_lease_is_released_when_the_request_throws_synchronously_or_later()
    {
        var limiter = new TrackingLimiter();
        var options = Options.Create(new RateLimiterOptions { GlobalLimiter = limiter });
        var throwing = new RateLimitMiddleware(context => throw new InvalidOperationException("sync"), options);
        // Thrown before any task exists: it reaches the caller (the exception handler, which handles both) directly.
        Assert.Throws<InvalidOperationException>(() => { _ = throwing.InvokeAsync(new DefaultHttpContext()); });
        Assert.Equal(1, limiter.Released);

        var faulting = new RateLimitMiddleware(async context =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async");
        }, options);
        await Assert.ThrowsAsync<InvalidOperationException>(() => faulting.InvokeAsync(new DefaultHttpContext()));
        Assert.Equal(2, limiter.Released);
    }

    [Fact]
    public async Task A_rejection_by_the_chassis_is_answered_without_the_rest_of_the_request_and_releases_the_lease()
    {
        var limiter = new TrackingLimiter(acquired: false);
        var nextCalled = false;
        var middleware = new RateLimitMiddleware(context => { nextCalled = true; return Task.CompletedTask; }, Options.Create(ChassisLimiterOptions(limiter)));
        var context = RejectedContext(ProblemServices());

        var task = middleware.InvokeAsync(context);
        Assert.True(task.IsCompletedSuccessfully);
        await task;
        Assert.False(nextCalled);
        Assert.Equal(1, limiter.Released);
        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString()); // one permit's time at 0.5/s: the lease says nothing
        await context.Response.BodyWriter.FlushAsync();
        var body = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.EndsWith(",\"instance\":\"/items\",\"requestId\":\"abc\"}", body);
        Assert.Equal(body.Length, context.Response.ContentLength);
    }

    [Fact]
    public void A_rejection_by_the_chassis_allocates_less_than_through_OnRejected()
    {
        var services = ProblemServices();
        var direct = new RateLimitMiddleware(context => Task.CompletedTask, Options.Create(ChassisLimiterOptions(new TrackingLimiter(acquired: false))));
        var wrappedOptions = ChassisLimiterOptions(new TrackingLimiter(acquired: false));
        var chassis = wrappedOptions.OnRejected!;
        wrappedOptions.OnRejected = (rejected, cancellationToken) => chassis(rejected, cancellationToken); // same answer, the general path
        var general = new RateLimitMiddleware(context => Task.CompletedTask, Options.Create(wrappedOptions));

        long Allocated(RateLimitMiddleware middleware)
        {
            for (var i = 0; i < 3; i++)
            {
                middleware.InvokeAsync(RejectedContext(services)).GetAwaiter().GetResult(); // warm: lazy setup, per-thread buffers
            }

            var context = RejectedContext(services);
            var before = GC.GetAllocatedBytesForCurrentThread();
            middleware.InvokeAsync(context).GetAwaiter().GetResult();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var directBytes = Allocated(direct);
        var generalBytes = Allocated(general);
        Assert.True(directBytes < generalBytes, $"direct {directBytes} bytes, through OnRejected {generalBytes} bytes");
    }

    [Theory]
    [InlineData(LogLevel.Information)]
    [InlineData(LogLevel.Debug)]
    public async Task The_request_log_scope_is_open_during_the_request_and_closed_after_it(LogLevel minimum)
    {
        var provider = new ScopeCapturingProvider();
        using var loggers = LoggerFactory.Create(builder =>
        {
            RequestScopeProvider.Register(builder);
            builder.SetMinimumLevel(minimum).AddProvider(provider);
        });
        var seen = new List<object?>();
        var middleware = new FrontMiddleware(
            context =>
            {
                provider.Scopes!.ForEachScope((scope, list) => list.Add(scope), seen);
                return Task.CompletedTask;
            },
            new NoProblems(),
            Options.Create(new LimitsOptions()),
            loggers);

        var context = new DefaultHttpContext();
        await middleware.InvokeAsync(context);

        var requestScope = Assert.IsType<RequestLogScope>(Assert.Single(seen));
        Assert.Equal(context.TraceIdentifier, requestScope.RequestId);
        var after = new List<object?>();
        provider.Scopes!.ForEachScope((scope, list) => list.Add(scope), after);
        Assert.Empty(after);
    }

    [Fact]
    public async Task The_request_log_scope_follows_the_request_across_awaits_between_outer_and_inner_scopes()
    {
        var provider = new ScopeCapturingProvider();
        using var loggers = LoggerFactory.Create(builder =>
        {
            RequestScopeProvider.Register(builder);
            builder.AddProvider(provider);
        });
        var logger = loggers.CreateLogger("test");
        var seen = new List<object?>();
        var middleware = new FrontMiddleware(
            async context =>
            {
                await Task.Yield(); // the rest runs on a pool thread, in the context captured here
                using (logger.BeginScope("inner"))
                {
                    provider.Scopes!.ForEachScope((scope, list) => list.Add(scope), seen);
                }
            },
            new NoProblems(),
            Options.Create(new LimitsOptions()),
            loggers);

        var context = new DefaultHttpContext();
        var after = new List<object?>();
        using (logger.BeginScope("connection")) // as Kestrel's connection scope
        {
            await middleware.InvokeAsync(context);
            provider.Scopes!.ForEachScope((scope, list) => list.Add(scope), after);
        }

        // Outermost first: the connection's, the request's, the endpoint's own; after the request only the connection's.
        Assert.Equal(3, seen.Count);
        Assert.Equal("connection", seen[0]);
        Assert.Equal(context.TraceIdentifier, Assert.IsType<RequestLogScope>(seen[1]).RequestId);
        Assert.Equal("inner", seen[2]);
        Assert.Equal(["connection"], after);
        var outside = new List<object?>();
        provider.Scopes!.ForEachScope((scope, list) => list.Add(scope), outside);
        Assert.Empty(outside);
    }

    /// <summary>The chassis' options (its rejection as OnRejected) around <paramref name="limiter"/>; 0.5 reads/s, so Retry-After 2.</summary>
    private static RateLimiterOptions ChassisLimiterOptions(TrackingLimiter limiter)
    {
        var options = new RateLimiterOptions();
        var settings = new RateLimitOptions { Reads = { PermitsPerSecond = 0.5, Burst = 1 } };
        RateLimiterSetup.Configure(options, settings, new ModuleSet([], []), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        options.GlobalLimiter = limiter;
        return options;
    }

    private static DefaultHttpContext RejectedContext(IServiceProvider services)
    {
        var context = new DefaultHttpContext { RequestServices = services, TraceIdentifier = "abc" };
        context.Request.Path = "/items";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static ServiceProvider ProblemServices()
    {
        var services = new ServiceCollection();
        services.AddOptions();
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, Crossroads.Hosting.Errors.ProblemJsonWriter>());
        services.AddProblemDetails(options => options.CustomizeProblemDetails += Crossroads.Hosting.Errors.ProblemShaper.Apply);
        return services.BuildServiceProvider();
    }

    private sealed class TrackingLimiter(bool acquired = true) : PartitionedRateLimiter<HttpContext>
    {
        public int Acquired { get; private set; }

        public int Released { get; private set; }

        public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

        protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
        {
            Acquired++;
            return new Lease(this, acquired);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

        private sealed class Lease(TrackingLimiter owner, bool acquired) : RateLimitLease
        {
            public override bool IsAcquired => acquired;

            public override IEnumerable<string> MetadataNames => [];

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }

            protected override void Dispose(bool disposing) => owner.Released++;
        }
    }

    private sealed class ScopeCapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        public IExternalScopeProvider? Scopes { get; private set; }

        public ILogger CreateLogger(string categoryName) => new EnabledLogger();

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => Scopes = scopeProvider;

        public void Dispose()
        {
        }
    }

    private sealed class EnabledLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }

    private sealed class NoProblems : IProblemDetailsService
    {
        public ValueTask WriteAsync(ProblemDetailsContext context) => ValueTask.CompletedTask;
    }
}
