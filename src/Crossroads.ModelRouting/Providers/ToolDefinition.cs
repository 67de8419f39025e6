namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// A function the model may call, as the client offered it: <paramref name="Json"/> is the client's whole
/// <c>tools[i]</c> object, sent unchanged to OpenAI-compatible upstreams; the parsed name, description and
/// <paramref name="Parameters"/> (JSON Schema text, null when absent) are what other protocols are given.
/// </summary>
public sealed record ToolDefinition(string Name, string? Description, string? Parameters, string Json);
