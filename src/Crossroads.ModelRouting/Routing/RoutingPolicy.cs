namespace Crossroads.ModelRouting.Routing;

/// <summary>How the router orders the eligible candidates of a request.</summary>
public enum RoutingPolicy
{
    /// <summary>The named model, then the named fallbacks, in order.</summary>
    Pinned,

    /// <summary>The cheapest eligible model (eligibility includes the quality threshold and latency SLO).</summary>
    CheapestMeetingSlo,

    /// <summary>UCB1 per prompt cluster over eligible models, rewards in [0, 1].</summary>
    Ucb,

    /// <summary>Thompson sampling (Beta posteriors) per prompt cluster over eligible models.</summary>
    Thompson,

    /// <summary>Fewest attempts in flight on the model's upstream first (ties: cheaper first).</summary>
    LeastBusy,

    /// <summary>Lowest observed moving-average latency first (the prior p95 until enough answers were seen).</summary>
    LowestLatency,

    /// <summary>A seeded weighted draw (alias <c>Weights</c>, default 1 each) orders the eligible candidates.</summary>
    Weighted,
}

/// <summary>Wire names of <see cref="RoutingPolicy"/> (<c>cheapest_meeting_slo</c>, ...).</summary>
public static class RoutingPolicyNames
{
    /// <summary>The wire name.</summary>
    public static string Name(this RoutingPolicy policy) => policy switch
    {
        RoutingPolicy.Pinned => "pinned",
        RoutingPolicy.CheapestMeetingSlo => "cheapest_meeting_slo",
        RoutingPolicy.Ucb => "ucb",
        RoutingPolicy.Thompson => "thompson",
        RoutingPolicy.LeastBusy => "least_busy",
        RoutingPolicy.LowestLatency => "lowest_latency",
        RoutingPolicy.Weighted => "weighted",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    /// <summary>Parses a wire name (case-insensitive; <c>cheapest</c> is accepted for <c>cheapest_meeting_slo</c>).</summary>
    public static bool TryParse(string? text, out RoutingPolicy policy)
    {
        switch (text?.ToUpperInvariant())
        {
            case "PINNED": policy = RoutingPolicy.Pinned; return true;
            case "CHEAPEST_MEETING_SLO" or "CHEAPEST": policy = RoutingPolicy.CheapestMeetingSlo; return true;
            case "UCB" or "UCB1": policy = RoutingPolicy.Ucb; return true;
            case "THOMPSON": policy = RoutingPolicy.Thompson; return true;
            case "LEAST_BUSY": policy = RoutingPolicy.LeastBusy; return true;
            case "LOWEST_LATENCY": policy = RoutingPolicy.LowestLatency; return true;
            case "WEIGHTED": policy = RoutingPolicy.Weighted; return true;
            default: policy = default; return false;
        }
    }

    /// <summary>Every wire name, for error messages.</summary>
    public static IReadOnlyList<string> All { get; } = ["pinned", "cheapest_meeting_slo", "ucb", "thompson", "least_busy", "lowest_latency", "weighted"];
}
