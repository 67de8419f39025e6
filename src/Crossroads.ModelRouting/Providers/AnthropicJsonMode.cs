using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// OpenAI's JSON <c>response_format</c>s emulated on the Messages API, which has no JSON mode on every model, the way
/// common gateways do it (LiteLLM among them): one tool whose <c>input_schema</c> is the wanted shape, and a
/// <c>tool_choice</c> forcing exactly that call (<c>disable_parallel_tool_use</c>, so one answer). The call's input is
/// then the client's answer: the adapter turns the <c>tool_use</c> block (and its streamed <c>input_json_delta</c>
/// parts) into the assistant's content text and <c>stop_reason: tool_use</c> into <c>finish_reason: stop</c>.
/// <list type="bullet">
/// <item><c>json_schema</c>: the tool is named after <c>json_schema.name</c>, described by its <c>description</c>,
/// and its schema is <c>json_schema.schema</c>, whose root must be <c>{"type":"object"}</c> (a tool's input always is
/// an object; OpenAI's strict mode asks the same); a missing schema is an open object, as for <c>json_object</c>.</item>
/// <item><c>json_object</c>: a tool <c>json_object</c> with an open object schema, so the answer is some JSON object,
/// which is all OpenAI's JSON mode promises.</item>
/// </list>
/// Not emulated, refused with a 400 naming <c>response_format</c>: a request that also offers its own tools. The
/// model would have to choose between calling one of them and answering in JSON, and a forced choice would take that
/// choice away (OpenAI lets the model call a tool or answer in the format). The planner routes such requests past
/// Anthropic models (<see cref="RequestFeatures.JsonWithTools"/>), so this refusal is only the adapter's own guard.
/// </summary>
internal sealed record AnthropicJsonMode(string ToolName, string Description, string Schema)
{
    /// <summary>The schema of an answer that may be any JSON object.</summary>
    public const string OpenObjectSchema = """{"type":"object","additionalProperties":true}""";

    /// <summary>The emulation <paramref name="request"/> asks for (null for none or <c>text</c>); a 400 <see cref="ProviderException"/> when it cannot be emulated.</summary>
    public static AnthropicJsonMode? Of(ProviderRequest request, string upstreamId)
    {
        if (request.ResponseFormat is not { Type: "json_object" or "json_schema" } format)
        {
            return null;
        }

        if (request.Tools is { Count: > 0 })
        {
            throw Refusal($"'response_format' {format.Type} together with 'tools' cannot be sent to Anthropic upstreams (upstream '{upstreamId}'): the JSON answer is emulated by a forced tool call, which would keep the model from calling the client's tools", "response_format");
        }

        if (format.Type == "json_object")
        {
            return new AnthropicJsonMode("json_object", "Answer with a JSON object.", OpenObjectSchema);
        }

        using var document = JsonDocument.Parse(format.Json);
        var spec = document.RootElement.GetProperty("json_schema");
        string name = spec.GetProperty("name").GetString()!;
        string description = spec.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : $"Answer with the JSON object '{name}' describes.";
        if (!spec.TryGetProperty("schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
        {
            return new AnthropicJsonMode(name, description, OpenObjectSchema);
        }

        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type) || !type.ValueEquals("object"))
        {
            throw Refusal($"'response_format.json_schema.schema' must have \"type\": \"object\" at its root for Anthropic upstreams (upstream '{upstreamId}'): the answer is emulated by a tool call, whose input is always an object", "response_format.json_schema.schema");
        }

        return new AnthropicJsonMode(name, description, schema.GetRawText());
    }

    /// <summary>Writes the one tool and the <c>tool_choice</c> that forces it.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("tools");
        writer.WriteStartObject();
        writer.WriteString("name", ToolName);
        writer.WriteString("description", Description);
        writer.WritePropertyName("input_schema");
        writer.WriteRawValue(Schema, skipInputValidation: true);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartObject("tool_choice");
        writer.WriteString("type", "tool");
        writer.WriteString("name", ToolName);
        writer.WriteBoolean("disable_parallel_tool_use", true);
        writer.WriteEndObject();
    }

    private static ProviderException Refusal(string message, string param) =>
        new(ProviderFailureKind.Status, message, 400) { Param = param };
}
