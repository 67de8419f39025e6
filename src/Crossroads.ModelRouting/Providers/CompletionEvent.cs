namespace Crossroads.ModelRouting.Providers;

/// <summary>What kind of <see cref="CompletionEvent"/> it is.</summary>
public enum CompletionEventKind
{
    /// <summary>Text of the answer (<see cref="CompletionEvent.Text"/>, never empty).</summary>
    Delta,

    /// <summary>The answer ended (<see cref="CompletionEvent.FinishReason"/>).</summary>
    Finish,

    /// <summary>Token usage as the upstream reported it (<see cref="CompletionEvent.Usage"/>).</summary>
    Usage,

    /// <summary>A piece of a tool call (<see cref="CompletionEvent.Tool"/>); content like text, for fallbacks and billing.</summary>
    ToolCall,

    /// <summary>The <c>service_tier</c> the upstream says processed the request (<see cref="CompletionEvent.Text"/>); OpenAI sends it before any content.</summary>
    ServiceTier,

    /// <summary>
    /// The answer's <c>annotations</c> (URL citations of a web search), as the upstream's JSON array
    /// (<see cref="CompletionEvent.Text"/>); OpenAI upstreams only, relayed as given.
    /// </summary>
    Annotations,

    /// <summary>A piece of the model's thinking text (<see cref="CompletionEvent.Text"/>, never empty): Anthropic's <c>thinking_delta</c>, relayed as <c>reasoning_content</c>.</summary>
    Reasoning,

    /// <summary>A whole thinking block, signed or redacted (<see cref="CompletionEvent.Block"/>), when it ended; its text came before as <see cref="Reasoning"/> pieces.</summary>
    ThinkingBlock,
}

/// <summary>One event of a streamed answer, in the order the upstream sent it.</summary>
/// <remarks><see cref="Logprobs"/>: with a <see cref="CompletionEventKind.Delta"/>, the choice's <c>logprobs</c> object of the upstream chunk that carried the text, as JSON text (OpenAI upstreams, when asked).</remarks>
public readonly record struct CompletionEvent(CompletionEventKind Kind, string? Text, string? FinishReason, TokenUsage Usage, ToolCallDelta? Tool = null, string? Logprobs = null, ThinkingBlock? Block = null)
{
    /// <summary>A piece of text.</summary>
    public static CompletionEvent Delta(string text) => new(CompletionEventKind.Delta, text, null, default);

    /// <summary>A piece of text with the upstream's <c>logprobs</c> object for it (JSON text; null when there is none).</summary>
    public static CompletionEvent Delta(string text, string? logprobs) => new(CompletionEventKind.Delta, text, null, default, null, logprobs);

    /// <summary>The end of the answer.</summary>
    public static CompletionEvent Finish(string reason) => new(CompletionEventKind.Finish, null, reason, default);

    /// <summary>The upstream's usage report.</summary>
    public static CompletionEvent UsageReport(TokenUsage usage) => new(CompletionEventKind.Usage, null, null, usage);

    /// <summary>A piece of a tool call.</summary>
    public static CompletionEvent ToolCallPart(ToolCallDelta delta) => new(CompletionEventKind.ToolCall, null, null, default, delta);

    /// <summary>The tier the upstream processed the request in (OpenAI's <c>service_tier</c> of the answer).</summary>
    public static CompletionEvent Tier(string tier) => new(CompletionEventKind.ServiceTier, tier, null, default);

    /// <summary>Annotations of the answer: a JSON array's text, copied from the upstream.</summary>
    public static CompletionEvent AnnotationList(string json) => new(CompletionEventKind.Annotations, json, null, default);

    /// <summary>A piece of thinking text.</summary>
    public static CompletionEvent ReasoningPart(string text) => new(CompletionEventKind.Reasoning, text, null, default);

    /// <summary>A thinking block that ended.</summary>
    public static CompletionEvent ThinkingBlockEnd(ThinkingBlock block) => new(CompletionEventKind.ThinkingBlock, null, null, default, Block: block);
}
