using System.Text.Json;
using System.Text.Json.Serialization;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Tests.Decisions;

/// <summary>
/// The slow reference: how <c>GET /v1/decisions/{id}</c> serialized a record before the store kept bytes (the server's
/// <c>DecisionResponse</c>, source-generated, snake_case), copied here unchanged.
/// </summary>
internal static class ReferenceDecisionJson
{
    public static byte[] Serialize(DecisionRecord d) => JsonSerializer.SerializeToUtf8Bytes(
        new DecisionResponse(
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
            d.ObservedQuality),
        ReferenceJsonContext.Default.DecisionResponse);
}

internal sealed record DecisionResponse(
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
    double? ObservedQuality);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DecisionResponse))]
internal sealed partial class ReferenceJsonContext : JsonSerializerContext;
