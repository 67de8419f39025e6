namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// One message of a chat: <c>system</c>, <c>user</c>, <c>assistant</c> (or <c>developer</c>, <c>tool</c>) and its
/// text. An assistant message may carry the <paramref name="ToolCalls"/> it made (its text is then often empty); a
/// <c>tool</c> message answers the call <paramref name="ToolCallId"/>. A user message with images has
/// <paramref name="Parts"/>: its text and image parts in the client's order, <paramref name="Content"/> being the
/// text parts joined (what token counts, clusters, PII and the prompt hash read); text-only messages have none.
/// An assistant message may carry the <see cref="ThinkingBlocks"/> of the answer it was (Anthropic's signed thinking,
/// sent back by the client so a thinking model can continue a tool-use loop).
/// </summary>
public sealed record ChatMessage(string Role, string Content, IReadOnlyList<ToolCall>? ToolCalls = null, string? ToolCallId = null, IReadOnlyList<ContentPart>? Parts = null)
{
    /// <summary>The images of the message, in order (none for text-only messages).</summary>
    public IEnumerable<ImagePart> Images => Parts is null ? [] : Parts.Where(static p => p.Image is not null).Select(static p => p.Image!);

    /// <summary>
    /// An assistant message's thinking blocks, in the upstream's order (the client's <c>thinking_blocks</c>); null for
    /// none. Sent to Anthropic only, as the first blocks of the turn, and never redacted (their signature covers them).
    /// </summary>
    public IReadOnlyList<ThinkingBlock>? ThinkingBlocks { get; init; }
}
