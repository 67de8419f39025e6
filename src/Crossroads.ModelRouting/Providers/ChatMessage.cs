namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// One message of a chat: <c>system</c>, <c>user</c>, <c>assistant</c> (or <c>developer</c>, <c>tool</c>) and its
/// text. An assistant message may carry the <paramref name="ToolCalls"/> it made (its text is then often empty); a
/// <c>tool</c> message answers the call <paramref name="ToolCallId"/>. A user message with images has
/// <paramref name="Parts"/>: its text and image parts in the client's order, <paramref name="Content"/> being the
/// text parts joined (what token counts, clusters, PII and the prompt hash read); text-only messages have none.
/// </summary>
public sealed record ChatMessage(string Role, string Content, IReadOnlyList<ToolCall>? ToolCalls = null, string? ToolCallId = null, IReadOnlyList<ContentPart>? Parts = null)
{
    /// <summary>The images of the message, in order (none for text-only messages).</summary>
    public IEnumerable<ImagePart> Images => Parts is null ? [] : Parts.Where(static p => p.Image is not null).Select(static p => p.Image!);
}
