namespace Crossroads.ModelRouting.Providers;

/// <summary>One message of a chat: <c>system</c>, <c>user</c>, <c>assistant</c> (or <c>developer</c>, <c>tool</c>) and its text.</summary>
public sealed record ChatMessage(string Role, string Content);
