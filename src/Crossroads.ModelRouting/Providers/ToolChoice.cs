namespace Crossroads.ModelRouting.Providers;

/// <summary>OpenAI's <c>tool_choice</c>: a mode, the function's name for <see cref="ToolChoiceMode.Function"/>, and the client's JSON value (sent unchanged to OpenAI-compatible upstreams).</summary>
public sealed record ToolChoice(ToolChoiceMode Mode, string? Name, string Json);

/// <summary>Whether and which tool the model must call.</summary>
public enum ToolChoiceMode
{
    /// <summary>The model decides (<c>"auto"</c>).</summary>
    Auto,

    /// <summary>No tool call (<c>"none"</c>).</summary>
    None,

    /// <summary>At least one tool call (<c>"required"</c>).</summary>
    Required,

    /// <summary>A call of the named function (<c>{"type":"function","function":{"name":...}}</c>).</summary>
    Function,
}
