namespace Crossroads.ModelRouting.Providers;

/// <summary>Tokens in and out of one attempt; <see cref="Estimated"/> when counted locally because the upstream said nothing.</summary>
public readonly record struct TokenUsage(int PromptTokens, int CompletionTokens, bool Estimated = false)
{
    /// <summary>Both together.</summary>
    public int TotalTokens => PromptTokens + CompletionTokens;
}
