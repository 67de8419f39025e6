using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>A function call the model made (in an earlier assistant message): its id, the function and the arguments as the model wrote them (JSON text).</summary>
public sealed record ToolCall(string Id, string Name, string Arguments)
{
    /// <summary>
    /// Writes <paramref name="calls"/> as OpenAI's <c>tool_calls</c> member of a message: the same shape in a request to
    /// an OpenAI-compatible upstream and in the router's own <c>chat.completion</c> answers.
    /// </summary>
    public static void WriteOpenAiArray(Utf8JsonWriter writer, IReadOnlyList<ToolCall> calls)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(calls);
        writer.WriteStartArray("tool_calls");
        foreach (var call in calls)
        {
            writer.WriteStartObject();
            writer.WriteString("id", call.Id);
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", call.Name);
            writer.WriteString("arguments", call.Arguments);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
