namespace Crossroads.ModelRouting.Providers;

/// <summary>What an adapter sends upstream: the messages and sampling settings; the model name is the adapter's call.</summary>
public sealed record ProviderRequest
{
    /// <summary>The conversation.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>Most output tokens; null leaves it to the upstream.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Sampling temperature.</summary>
    public double? Temperature { get; init; }

    /// <summary>Nucleus sampling.</summary>
    public double? TopP { get; init; }

    /// <summary>Stop sequences.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Seed for upstreams that support it.</summary>
    public long? Seed { get; init; }

    /// <summary>End-user id passed upstream (OpenAI's <c>user</c>).</summary>
    public string? User { get; init; }

    /// <summary>The functions the model may call (OpenAI's <c>tools</c>); null or empty: none offered.</summary>
    public IReadOnlyList<ToolDefinition>? Tools { get; init; }

    /// <summary>OpenAI's <c>tool_choice</c>; null leaves it to the upstream.</summary>
    public ToolChoice? ToolChoice { get; init; }

    /// <summary>OpenAI's <c>parallel_tool_calls</c>; null leaves it to the upstream.</summary>
    public bool? ParallelToolCalls { get; init; }

    /// <summary>OpenAI's <c>response_format</c>; null leaves it to the upstream.</summary>
    public ResponseFormat? ResponseFormat { get; init; }

    /// <summary>OpenAI's <c>frequency_penalty</c> (−2..2); null leaves it to the upstream.</summary>
    public double? FrequencyPenalty { get; init; }

    /// <summary>OpenAI's <c>presence_penalty</c> (−2..2); null leaves it to the upstream.</summary>
    public double? PresencePenalty { get; init; }

    /// <summary>OpenAI's <c>logit_bias</c> as the client wrote it (a JSON object of token ids to −100..100); null when absent or empty.</summary>
    public string? LogitBias { get; init; }

    /// <summary>OpenAI's <c>logprobs</c>; null leaves it to the upstream.</summary>
    public bool? Logprobs { get; init; }

    /// <summary>OpenAI's <c>top_logprobs</c> (0..20, only with <c>logprobs: true</c>).</summary>
    public int? TopLogprobs { get; init; }

    /// <summary>OpenAI's <c>reasoning_effort</c> (<c>none</c>, <c>minimal</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>); null leaves it to the upstream.</summary>
    public string? ReasoningEffort { get; init; }

    /// <summary>OpenAI's <c>metadata</c> as the client wrote it (an object of up to 16 string pairs); null when absent. Sent to OpenAI-compatible upstreams only.</summary>
    public string? Metadata { get; init; }

    /// <summary>OpenAI's <c>store</c>; null leaves it to the upstream.</summary>
    public bool? Store { get; init; }

    /// <summary>OpenAI's <c>service_tier</c> (<c>auto</c>, <c>default</c>, <c>flex</c>, <c>scale</c>, <c>priority</c>); null leaves it to the upstream.</summary>
    public string? ServiceTier { get; init; }

    /// <summary>OpenAI's <c>prediction</c> as the client wrote it (<c>{type: "content", content}</c>); null when absent.</summary>
    public string? Prediction { get; init; }

    /// <summary>OpenAI's <c>web_search_options</c> as the client wrote it (an object); null when absent.</summary>
    public string? WebSearchOptions { get; init; }

    /// <summary>
    /// Set per attempt by the engine from the model (<see cref="Catalog.ModelDescriptor.ThinkingBudget(string?, int)"/>), not by
    /// the client: Anthropic's <c>budget_tokens</c> for this attempt's extended thinking; 0 for none.
    /// </summary>
    public int ThinkingBudget { get; init; }

    /// <summary>Set per attempt by the engine from the model (<see cref="Catalog.ModelDescriptor.PromptCache"/>): whether to mark Anthropic prompt-cache breakpoints.</summary>
    public bool PromptCache { get; init; }

    /// <summary>Set with <see cref="PromptCache"/>: the breakpoints' TTL (<see cref="Providers.PromptCacheTtl"/>; null: the default 5 minutes).</summary>
    public string? PromptCacheTtl { get; init; }
}
