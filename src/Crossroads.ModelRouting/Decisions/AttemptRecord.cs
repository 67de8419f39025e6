namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// One upstream attempt: the model, what happened (<c>served</c>, <c>failed</c> before content, <c>failed_after_content</c>,
/// <c>rejected</c> (a 4xx passed through), <c>cancelled</c> by the client), how long it took, its usage and cost.
/// </summary>
public sealed record AttemptRecord
{
    /// <summary>The model id.</summary>
    public required string Model { get; init; }

    /// <summary>The upstream id.</summary>
    public required string Upstream { get; init; }

    /// <summary><c>served</c>, <c>failed</c>, <c>failed_after_content</c>, <c>rejected</c> or <c>cancelled</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>What failed, for failures (no prompt text).</summary>
    public string? Error { get; init; }

    /// <summary>Upstream HTTP status, when it answered with an error.</summary>
    public int? UpstreamStatus { get; init; }

    /// <summary>Time to the first content, when there was some.</summary>
    public double? TimeToFirstTokenMs { get; init; }

    /// <summary>Time of the whole attempt.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Prompt tokens (upstream's count, or local).</summary>
    public int PromptTokens { get; init; }

    /// <summary>Completion tokens (upstream's count, or local).</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Prompt tokens read from the upstream's cache (part of <see cref="PromptTokens"/>; 0 when it reported none).</summary>
    public int CachedTokens { get; init; }

    /// <summary>Prompt tokens written to the upstream's cache (part of <see cref="PromptTokens"/>; 0 when it reported none).</summary>
    public int CacheWriteTokens { get; init; }

    /// <summary>Completion tokens spent reasoning (part of <see cref="CompletionTokens"/>; 0 when it reported none).</summary>
    public int ReasoningTokens { get; init; }

    /// <summary>True when the usage was counted locally (upstream reported none).</summary>
    public bool UsageEstimated { get; init; }

    /// <summary>Cost of the attempt at the model's prices (0 for failures before content: nothing was billed).</summary>
    public decimal CostUsd { get; init; }
}
