using Crossroads.ModelRouting.Catalog;

namespace Crossroads.ModelRouting.Routing;

/// <summary>The planner's answer: the policy and cluster, every candidate's evaluation, and the attempt order.</summary>
public sealed record RoutingPlan
{
    /// <summary>The policy applied.</summary>
    public required RoutingPolicy Policy { get; init; }

    /// <summary>The prompt cluster.</summary>
    public required string Cluster { get; init; }

    /// <summary>Every candidate considered.</summary>
    public required IReadOnlyList<CandidateEvaluation> Candidates { get; init; }

    /// <summary>The models to try, in order (first choice, then fallbacks); empty when none is eligible.</summary>
    public required IReadOnlyList<ModelDescriptor> Attempts { get; init; }

    /// <summary>One sentence on why the first choice was chosen (or why nothing was).</summary>
    public required string Reason { get; init; }

    /// <summary>The output-token cap the estimates assumed.</summary>
    public int MaxOutputTokens { get; init; }

    /// <summary>
    /// The prompt tokens the plan assumed: the most any planned attempt was estimated at (models count images by
    /// their own rules), else the most of any candidate, else the request's text alone.
    /// </summary>
    public int InputTokens { get; init; }

    /// <summary>The highest estimated cost among the planned attempts (what a budget reserves).</summary>
    public decimal ReserveUsd => Attempts.Count == 0 ? 0 : Candidates.Where(static c => c.Rank is not null).Max(static c => c.EstimatedCostUsd);
}
