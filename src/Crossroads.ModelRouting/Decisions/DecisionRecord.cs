using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// Everything the router decided for one request, as <c>GET /v1/decisions/{id}</c> shows it: the plan (policy, cluster,
/// candidates with estimates, scores and exclusion reasons), the attempts, what was billed and the learner's reward.
/// Holds a hash of the prompt, never its text.
/// </summary>
public sealed record DecisionRecord
{
    /// <summary>The decision id (also the <c>x-crossroads-decision-id</c> header and the completion id's suffix).</summary>
    public required string Id { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The tenant billed.</summary>
    public required string Tenant { get; init; }

    /// <summary>What the client asked for in <c>model</c>.</summary>
    public required string RequestedModel { get; init; }

    /// <summary>The endpoint: <c>chat.completions</c>, <c>ask</c> or <c>plan</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>SHA-256 (hex, first 16 bytes) of the prompt as sent upstream (after PII redaction, so no hash of a raw value is kept).</summary>
    public required string PromptHash { get; init; }

    /// <summary>Prompt tokens counted locally.</summary>
    public required int InputTokens { get; init; }

    /// <summary>The plan.</summary>
    public required RoutingPlan Plan { get; init; }

    /// <summary>The attempts, in order.</summary>
    public IReadOnlyList<AttemptRecord> Attempts { get; init; } = [];

    /// <summary>The model that served (or partly served), if any.</summary>
    public string? ServedBy { get; init; }

    /// <summary><c>completed</c>, <c>failed</c>, <c>failed_after_content</c>, <c>rejected</c>, <c>no_eligible_model</c>, <c>budget_exceeded</c>, <c>cancelled</c>, <c>planned</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Reserved before the call.</summary>
    public decimal ReservedUsd { get; init; }

    /// <summary>What the tenant was charged (the serving attempt's cost).</summary>
    public decimal BilledUsd { get; init; }

    /// <summary>The reward given to the learner (null when the policy learns nothing from it).</summary>
    public double? Reward { get; init; }

    /// <summary>Quality reported through <c>/v1/observe</c>.</summary>
    public double? ObservedQuality { get; init; }
}
