using Polly;
using Polly.CircuitBreaker;

namespace Crossroads.Server.Database;

/// <summary>
/// The circuit breaker a module's database calls go through. Only infrastructure failures
/// count (the type given to <see cref="Create{TUnavailable}"/>): a 404 or a validation error is the database working. While open, calls fail fast with
/// <see cref="BrokenCircuitException"/> and the API answers 503 with <c>Retry-After</c> (<see cref="RetryAfterSeconds"/>).
/// </summary>
internal static class DatabaseBreaker
{
    /// <summary>The connection string every module on PostgreSQL shares: <c>ConnectionStrings:Crossroads</c>.</summary>
    public const string ConnectionStringName = "Crossroads";

    public static ResiliencePipeline Create<TUnavailable>(TimeProvider time, double failureRatio, TimeSpan breakDuration)
        where TUnavailable : Exception =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TUnavailable>(),
                FailureRatio = failureRatio,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = breakDuration,
            })
            .Build();

    /// <summary>Whole seconds a client should wait after a 503 from the database being unavailable.</summary>
    public static int RetryAfterSeconds(TimeSpan breakDuration) => Math.Max(1, (int)Math.Ceiling(breakDuration.TotalSeconds));
}
