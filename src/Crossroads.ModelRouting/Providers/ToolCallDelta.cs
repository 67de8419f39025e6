namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// A piece of a tool call in an answer, as OpenAI streams them: the call's <paramref name="Index"/> among the answer's
/// calls; the first piece of a call has its <paramref name="Id"/> and <paramref name="Name"/>, and every piece may add
/// a fragment of the <paramref name="Arguments"/> (JSON text, whole only once all fragments are joined).
/// </summary>
public sealed record ToolCallDelta(int Index, string? Id, string? Name, string? Arguments);
