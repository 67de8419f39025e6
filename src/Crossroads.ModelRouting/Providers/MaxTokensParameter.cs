namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// The member an OpenAI-compatible upstream takes the token cap in. OpenAI's reasoning models (o-series, gpt-5)
/// refuse <c>max_tokens</c> and need <c>max_completion_tokens</c>; many other compatible servers (Ollama,
/// llama.cpp) know only <c>max_tokens</c>. Which one an upstream wants is the operator's to say, per upstream.
/// </summary>
public enum MaxTokensParameter
{
    /// <summary><c>max_tokens</c>: understood by every OpenAI-compatible server except OpenAI's reasoning models.</summary>
    MaxTokens,

    /// <summary><c>max_completion_tokens</c>: OpenAI's current name, required by its reasoning models.</summary>
    MaxCompletionTokens,
}
