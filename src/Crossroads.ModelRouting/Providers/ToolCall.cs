namespace Crossroads.ModelRouting.Providers;

/// <summary>A function call the model made (in an earlier assistant message): its id, the function and the arguments as the model wrote them (JSON text).</summary>
public sealed record ToolCall(string Id, string Name, string Arguments);
