namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// One message of a chat: <c>system</c>, <c>user</c>, <c>assistant</c> (or <c>developer</c>, <c>tool</c>) and its
/// text. An assistant message may carry the <paramref name="ToolCalls"/> it made (its text is then often empty); a
/// <c>tool</c> message answers the call <paramref name="ToolCallId"/>.
/// </summary>
public sealed record ChatMessage(string Role, string Content, IReadOnlyList<ToolCall>? ToolCalls = null, string? ToolCallId = null);
