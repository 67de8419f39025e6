using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.Server.ModelRouter;

/// <summary>A chat-completions, ask or plan request after validation.</summary>
internal sealed record ParsedRequest
{
    public required string? Model { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    public int? MaxTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public IReadOnlyList<string>? Stop { get; init; }

    public long? Seed { get; init; }

    public string? User { get; init; }

    public IReadOnlyList<ToolDefinition>? Tools { get; init; }

    public ToolChoice? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }

    public ResponseFormat? ResponseFormat { get; init; }

    public double? FrequencyPenalty { get; init; }

    public double? PresencePenalty { get; init; }

    /// <summary>The client's <c>logit_bias</c> JSON (validated), null when absent or empty.</summary>
    public string? LogitBias { get; init; }

    public bool? Logprobs { get; init; }

    public int? TopLogprobs { get; init; }

    /// <summary>The client's <c>reasoning_effort</c> (one of <see cref="RequestParser.ReasoningEfforts"/>), null when absent.</summary>
    public string? ReasoningEffort { get; init; }

    /// <summary>The client's <c>metadata</c> JSON (validated), null when absent.</summary>
    public string? Metadata { get; init; }

    public bool? Store { get; init; }

    /// <summary>The client's <c>service_tier</c> (one of <see cref="RequestParser.ServiceTiers"/>), null when absent.</summary>
    public string? ServiceTier { get; init; }

    /// <summary>The client's <c>prediction</c> JSON (validated), null when absent.</summary>
    public string? Prediction { get; init; }

    /// <summary>The client's <c>web_search_options</c> JSON (validated), null when absent.</summary>
    public string? WebSearchOptions { get; init; }

    public QualityTier? Quality { get; init; }

    public decimal? MaxCostUsd { get; init; }

    public double? LatencySloMs { get; init; }

    public RoutingPolicy? Policy { get; init; }

    public string? Tenant { get; init; }
}
