namespace Crossroads.ModelRouting.Routing;

/// <summary>Tunables of the planner and the learner. Immutable; the server builds it from <c>ModelRouter:Routing</c>.</summary>
public sealed record RoutingSettings
{
    /// <summary>Minimum prior quality for <c>fast</c>.</summary>
    public double FastThreshold { get; init; }

    /// <summary>Minimum prior quality for <c>balanced</c> (the default tier).</summary>
    public double BalancedThreshold { get; init; } = 0.5;

    /// <summary>Minimum prior quality for <c>high</c>.</summary>
    public double HighThreshold { get; init; } = 0.8;

    /// <summary>Policy of <c>auto</c> and of aliases that name none.</summary>
    public RoutingPolicy DefaultPolicy { get; init; } = RoutingPolicy.CheapestMeetingSlo;

    /// <summary>UCB1 exploration constant <c>c</c> in <c>mean + c·sqrt(ln N / n)</c>; √2 is UCB1's.</summary>
    public double UcbC { get; init; } = Math.Sqrt(2);

    /// <summary>Seed of the Thompson sampler and of the <c>weighted</c> draw (null: unseeded).</summary>
    public int? Seed { get; init; }

    /// <summary>Latencies observed before the observed p95 replaces a model's prior in the SLO check.</summary>
    public int MinLatencySamples { get; init; } = 20;

    /// <summary>Most attempts (first choice plus fallbacks) per request.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Output tokens assumed (and, for tenants with a budget, sent as <c>max_tokens</c>) when the request names none.</summary>
    public int DefaultMaxOutputTokens { get; init; } = 1024;

    /// <summary>Latency SLO used by the reward's latency term when the request names none.</summary>
    public double DefaultLatencySloMs { get; init; } = 10_000;

    /// <summary>Weight of quality in the reward (quality + latency + cost weights are normalised to sum to 1).</summary>
    public double QualityWeight { get; init; } = 0.6;

    /// <summary>Weight of the latency term in the reward.</summary>
    public double LatencyWeight { get; init; } = 0.2;

    /// <summary>Weight of the cost term in the reward.</summary>
    public double CostWeight { get; init; } = 0.2;

    /// <summary>Retryable failures within <see cref="CooldownWindow"/> that open an upstream's breaker.</summary>
    public int CooldownAllowedFails { get; init; } = 3;

    /// <summary>The sliding window <see cref="CooldownAllowedFails"/> failures must fall within to open the breaker.</summary>
    public TimeSpan CooldownWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an upstream whose breaker opened is skipped (then one probe request is let through).</summary>
    public TimeSpan CooldownDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The threshold of <paramref name="tier"/>.</summary>
    public double Threshold(Catalog.QualityTier tier) => tier switch
    {
        Catalog.QualityTier.Fast => FastThreshold,
        Catalog.QualityTier.High => HighThreshold,
        _ => BalancedThreshold,
    };
}
