namespace Crossroads.ModelRouting.Routing;

/// <summary>One model the planner considered, with what it estimated and why it was excluded, if it was.</summary>
public sealed record CandidateEvaluation
{
    /// <summary>The model id.</summary>
    public required string Model { get; init; }

    /// <summary>The upstream serving it.</summary>
    public required string Upstream { get; init; }

    /// <summary>True when no exclusion applies.</summary>
    public bool Eligible => Exclusions.Count == 0;

    /// <summary>Why it was excluded (empty when eligible).</summary>
    public IReadOnlyList<Exclusion> Exclusions { get; init; } = [];

    /// <summary>The prompt tokens estimated for this model (its rule for images: <see cref="RouteRequest.PromptTokens"/>).</summary>
    public int InputTokens { get; init; }

    /// <summary>Estimated cost: input tokens and the output cap at the model's prices.</summary>
    public decimal EstimatedCostUsd { get; init; }

    /// <summary>The model's prior quality.</summary>
    public double Quality { get; init; }

    /// <summary>The p95 latency the SLO check used.</summary>
    public double LatencyP95Ms { get; init; }

    /// <summary><c>observed</c> when enough latencies were seen, else <c>prior</c>.</summary>
    public string LatencySource { get; init; } = "prior";

    /// <summary>The learner's score (UCB index or Thompson draw) when a bandit policy ranked it.</summary>
    public double? Score { get; init; }

    /// <summary>Position in the attempt order (0: first choice), null when not planned.</summary>
    public int? Rank { get; init; }
}
