namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// Tokens in and out of one attempt; <see cref="Estimated"/> when counted locally because the upstream said nothing.
/// The details are parts of the two counts, as OpenAI reports them: <see cref="CachedTokens"/> and
/// <see cref="CacheWriteTokens"/> are within <see cref="PromptTokens"/>, the reasoning and prediction counts within
/// <see cref="CompletionTokens"/>; 0 when the upstream gave none.
/// </summary>
public readonly record struct TokenUsage(int PromptTokens, int CompletionTokens, bool Estimated = false)
{
    /// <summary>Both together.</summary>
    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Prompt tokens read from the upstream's prompt cache (OpenAI's <c>cached_tokens</c>, Anthropic's <c>cache_read_input_tokens</c>).</summary>
    public int CachedTokens { get; init; }

    /// <summary>Prompt tokens written to the upstream's prompt cache (Anthropic's <c>cache_creation_input_tokens</c>; OpenAI reports none).</summary>
    public int CacheWriteTokens { get; init; }

    /// <summary>Completion tokens spent reasoning (OpenAI's <c>completion_tokens_details.reasoning_tokens</c>).</summary>
    public int ReasoningTokens { get; init; }

    /// <summary>Completion tokens of a predicted output that appeared in the answer (<c>accepted_prediction_tokens</c>).</summary>
    public int AcceptedPredictionTokens { get; init; }

    /// <summary>Completion tokens of a predicted output that did not (<c>rejected_prediction_tokens</c>; billed all the same).</summary>
    public int RejectedPredictionTokens { get; init; }

    /// <summary>Prompt tokens at the plain input price: neither read from nor written to a cache (never below 0, whatever an upstream reports).</summary>
    public int UncachedPromptTokens => Math.Max(0, PromptTokens - CachedTokens - CacheWriteTokens);
}
