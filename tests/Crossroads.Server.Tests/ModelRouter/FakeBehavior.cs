namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>How the fake upstream answers one model: text, pacing, failures. Mutable between requests, read per call.</summary>
public sealed class FakeBehavior
{
    /// <summary>The answer, streamed one word (with its leading space) per chunk.</summary>
    public string Text { get; set; } = "Hello from the fake upstream model.";

    /// <summary>What an Anthropic model asked to think thinks (its thinking block's text); null: <see cref="AnthropicFakeProtocol.Thought"/>.</summary>
    public string? Thought { get; set; }

    /// <summary>Answer with this status before any content (e.g. 503, 400) for the first <see cref="FailFirstCalls"/> calls.</summary>
    public int? FailStatus { get; set; }

    /// <summary>How many calls fail with <see cref="FailStatus"/> (int.MaxValue: all).</summary>
    public int FailFirstCalls { get; set; } = int.MaxValue;

    /// <summary>Wait before the first chunk (a hang when long).</summary>
    public TimeSpan FirstTokenDelay { get; set; }

    /// <summary>Wait between chunks.</summary>
    public TimeSpan InterTokenDelay { get; set; }

    /// <summary>Abort the connection after this many content chunks.</summary>
    public int? ResetAfterChunks { get; set; }

    /// <summary>When set, the answer is exactly these pieces (one chunk and one token each) instead of <see cref="Text"/>'s words.</summary>
    public IReadOnlyList<string>? Chunks { get; set; }

    /// <summary>Send an in-stream error event after this many content chunks.</summary>
    public int? ErrorAfterChunks { get; set; }

    /// <summary>Report usage (when the client asked for it).</summary>
    public bool Usage { get; set; } = true;

    /// <summary>Prompt tokens reported.</summary>
    public int PromptTokens { get; set; } = 10;

    /// <summary>Sent as <c>Retry-After</c> (seconds) with <see cref="FailStatus"/>.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>Anthropic only: the <c>stop_reason</c> of a whole answer (default <c>end_turn</c>; <c>max_tokens</c> when cut by it).</summary>
    public string? StopReason { get; set; }

    /// <summary>
    /// Answer with these tool calls (and no text) while the request carries no tool result; a request with one (the
    /// client's second round) gets <see cref="Text"/>. Streamed arguments come in fragments of <see cref="ArgumentFragment"/> characters.
    /// </summary>
    public IReadOnlyList<FakeToolCall>? ToolCalls { get; set; }

    /// <summary>Abort the connection once the tool calls were streamed (before the finish), <see cref="InterTokenDelay"/> after them.</summary>
    public bool ResetAfterToolCalls { get; set; }

    /// <summary>How many characters of a tool call's arguments each streamed fragment carries.</summary>
    public int ArgumentFragment { get; set; } = 4;

    /// <summary>Anthropic only: the <c>error.type</c> of <see cref="ErrorAfterChunks"/> and failure bodies.</summary>
    public string AnthropicErrorType { get; set; } = "overloaded_error";

    /// <summary>
    /// OpenAI: the <c>service_tier</c> every chunk reports (none when null, as an OpenAI-compatible server without
    /// tiers). Anthropic: the <c>usage.service_tier</c> of <c>message_start</c> (e.g. <c>standard</c>, <c>priority</c>).
    /// </summary>
    public string? ServiceTier { get; set; }

    /// <summary>
    /// Prompt tokens read from the cache, part of <see cref="PromptTokens"/>: OpenAI's
    /// <c>prompt_tokens_details.cached_tokens</c>, Anthropic's <c>cache_read_input_tokens</c> (its <c>input_tokens</c>
    /// are then the rest). OpenAI's details are sent only when one of them is not 0, as a server without them.
    /// </summary>
    public int CachedTokens { get; set; }

    /// <summary>Anthropic only: prompt tokens written to the cache (<c>cache_creation_input_tokens</c>), part of <see cref="PromptTokens"/>.</summary>
    public int CacheWriteTokens { get; set; }

    /// <summary>OpenAI only: <c>completion_tokens_details.reasoning_tokens</c>.</summary>
    public int ReasoningTokens { get; set; }

    /// <summary>OpenAI only: <c>completion_tokens_details.accepted_prediction_tokens</c>.</summary>
    public int AcceptedPredictionTokens { get; set; }

    /// <summary>OpenAI only: <c>completion_tokens_details.rejected_prediction_tokens</c>.</summary>
    public int RejectedPredictionTokens { get; set; }

    /// <summary>OpenAI only: the answer's <c>annotations</c> (a JSON array): <c>message.annotations</c> of a whole answer, a <c>delta.annotations</c> chunk before the finish of a stream.</summary>
    public string? Annotations { get; set; }
}
