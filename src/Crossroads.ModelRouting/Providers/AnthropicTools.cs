using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// OpenAI's tool options in the Messages API's shape: each function becomes <c>{name, description, input_schema}</c>
/// (its <c>parameters</c>, or an empty object schema: Anthropic requires one); <c>tool_choice</c> <c>auto</c>,
/// <c>required</c>, a named function and <c>none</c> become <c>{"type": "auto" | "any" | "tool", "name" | "none"}</c>;
/// <c>parallel_tool_calls: false</c> becomes <c>disable_parallel_tool_use: true</c>. <c>none</c> keeps the tools
/// (rather than omitting them) because the API refuses a conversation with tool_use blocks and no tools. With
/// <see cref="ProviderRequest.PromptCache"/> the last tool carries a cache breakpoint.
/// </summary>
internal static class AnthropicTools
{
    private const string EmptySchema = """{"type":"object","properties":{}}""";

    public static void Write(Utf8JsonWriter writer, ProviderRequest request)
    {
        if (request.Tools is not { Count: > 0 } tools)
        {
            return;
        }

        writer.WriteStartArray("tools");
        for (int i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            writer.WriteStartObject();
            writer.WriteString("name", tool.Name);
            if (tool.Description is { } description)
            {
                writer.WriteString("description", description);
            }

            writer.WritePropertyName("input_schema");
            writer.WriteRawValue(tool.Parameters ?? EmptySchema, skipInputValidation: true);
            // Tools come first in Anthropic's prefix: a breakpoint on the last one caches all of them, which stay the
            // same across a conversation's turns even when the system text does not.
            if (request.PromptCache && i == tools.Count - 1)
            {
                AnthropicProvider.WriteCacheControl(writer, request.PromptCacheTtl);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        var mode = request.ToolChoice?.Mode;
        bool serial = request.ParallelToolCalls == false;
        if (mode is null && !serial)
        {
            return;
        }

        writer.WriteStartObject("tool_choice");
        writer.WriteString("type", mode switch
        {
            ToolChoiceMode.None => "none",
            ToolChoiceMode.Required => "any",
            ToolChoiceMode.Function => "tool",
            _ => "auto",
        });
        if (mode == ToolChoiceMode.Function)
        {
            writer.WriteString("name", request.ToolChoice!.Name);
        }

        if (serial && mode != ToolChoiceMode.None)
        {
            writer.WriteBoolean("disable_parallel_tool_use", true);
        }

        writer.WriteEndObject();
    }
}
