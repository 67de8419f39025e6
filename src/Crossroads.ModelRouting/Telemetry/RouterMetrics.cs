using System.Diagnostics.Metrics;

namespace Crossroads.ModelRouting.Telemetry;

/// <summary>
/// The router's instruments, per model and upstream, on the meter the host hands in (the module's own). Names carry
/// their Prometheus form (<c>_total</c>, unit suffixes) so <c>/metrics</c> shows them as written here. Without a meter
/// (unit tests, benchmarks) every call is a no-op.
/// </summary>
public sealed class RouterMetrics
{
    private static readonly double[] FirstTokenBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long>? _requests;
    private readonly Counter<long>? _attempts;
    private readonly Counter<long>? _fallbacks;
    private readonly Counter<long>? _tokens;
    private readonly Counter<double>? _cost;
    private readonly Histogram<double>? _firstToken;
    private readonly Counter<long>? _breakerOpens;

    /// <summary>Instruments on <paramref name="meter"/>; null: none.</summary>
    public RouterMetrics(Meter? meter)
    {
        if (meter is null)
        {
            return;
        }

        _requests = meter.CreateCounter<long>("model_router_requests_total", description: "Routed requests by outcome and serving model (none when nothing served).");
        _attempts = meter.CreateCounter<long>("model_router_attempts_total", description: "Upstream attempts by model, upstream and outcome (served, failed, failed_partial, failed_after_content, rejected, skipped, cancelled).");
        _fallbacks = meter.CreateCounter<long>("model_router_fallbacks_total", description: "Moves to the next candidate, by the model and upstream that were left.");
        _tokens = meter.CreateCounter<long>("model_router_tokens_total", description: "Tokens of billed attempts by model, upstream and direction (in: prompt, out: completion).");
        _cost = meter.CreateCounter<double>("model_router_cost_usd_total", description: "USD billed by model and upstream.");
        _firstToken = meter.CreateHistogram("model_router_time_to_first_token_seconds", unit: "s", description: "Time from the start of an attempt to its first content, by model and upstream.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FirstTokenBuckets });
        _breakerOpens = meter.CreateCounter<long>("model_router_breaker_opens_total", description: "Times an upstream's breaker opened (cooldown started).");
    }

    /// <summary>A request ended.</summary>
    public void Request(string outcome, string? model) =>
        _requests?.Add(1, new("outcome", outcome), new("model", model ?? "none"));

    /// <summary>An attempt ended.</summary>
    public void Attempt(string model, string upstream, string outcome) =>
        _attempts?.Add(1, new("model", model), new("upstream", upstream), new("outcome", outcome));

    /// <summary>The router left <paramref name="model"/> for the next candidate.</summary>
    public void Fallback(string model, string upstream) =>
        _fallbacks?.Add(1, new("model", model), new("upstream", upstream));

    /// <summary>Usage and cost of a billed attempt.</summary>
    public void Billed(string model, string upstream, int promptTokens, int completionTokens, decimal costUsd)
    {
        _tokens?.Add(promptTokens, new("model", model), new("upstream", upstream), new("direction", "in"));
        _tokens?.Add(completionTokens, new("model", model), new("upstream", upstream), new("direction", "out"));
        _cost?.Add((double)costUsd, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("upstream", upstream));
    }

    /// <summary>An attempt's first content arrived after <paramref name="milliseconds"/>.</summary>
    public void FirstToken(string model, string upstream, double milliseconds) =>
        _firstToken?.Record(milliseconds / 1000, new("model", model), new("upstream", upstream));

    /// <summary>An upstream's breaker opened.</summary>
    public void BreakerOpened(string upstream) => _breakerOpens?.Add(1, new KeyValuePair<string, object?>("upstream", upstream));
}
