using System.Text.Json.Serialization;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.Server.ModelRouter;

/// <summary>OpenAI's error object (<c>{"error":{"message","type","param","code"}}</c>'s inner part).</summary>
public sealed record OpenAiError(string Message, string Type, string? Param, string? Code);

/// <summary><c>GET /v1/decisions/{id}</c>.</summary>
public sealed record DecisionResponse(
    string Id,
    DateTimeOffset CreatedAt,
    string Tenant,
    string Endpoint,
    string RequestedModel,
    string PromptHash,
    int InputTokens,
    string Policy,
    string Cluster,
    string Reason,
    int MaxOutputTokens,
    IReadOnlyList<CandidateEvaluation> Candidates,
    IReadOnlyList<string> Planned,
    IReadOnlyList<AttemptRecord> Attempts,
    string? ServedBy,
    string Outcome,
    decimal ReservedUsd,
    decimal BilledUsd,
    double? Reward,
    double? ObservedQuality)
{
    public static DecisionResponse From(DecisionRecord d) => new(
        d.Id,
        d.CreatedAt,
        d.Tenant,
        d.Endpoint,
        d.RequestedModel,
        d.PromptHash,
        d.InputTokens,
        d.Plan.Policy.Name(),
        d.Plan.Cluster,
        d.Plan.Reason,
        d.Plan.MaxOutputTokens,
        d.Plan.Candidates,
        [.. d.Plan.Attempts.Select(static m => m.Id)],
        d.Attempts,
        d.ServedBy,
        d.Outcome,
        d.ReservedUsd,
        d.BilledUsd,
        d.Reward,
        d.ObservedQuality);
}

/// <summary><c>POST /v1/observe</c> answer.</summary>
public sealed record ObserveResponse(bool Ok, string RequestId, string Model, string Cluster, double QualityScore, double? Reward);

/// <summary>Source-generated serialization of the module's answers: snake_case, as OpenAI and ATP name members.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAiError))]
[JsonSerializable(typeof(DecisionResponse))]
[JsonSerializable(typeof(ObserveResponse))]
public sealed partial class ModelRouterJsonContext : JsonSerializerContext;
