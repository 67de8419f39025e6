using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>Small writes the adapters' request bodies share.</summary>
internal static class JsonWriting
{
    /// <summary>Writes <paramref name="values"/> as the array <paramref name="name"/> when there are any (stop sequences under each protocol's name).</summary>
    public static void WriteStrings(this Utf8JsonWriter writer, string name, IReadOnlyList<string>? values)
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes the client's JSON <paramref name="json"/> (validated when parsed) as <paramref name="name"/>, byte for byte, when there is one.</summary>
    public static void WriteRaw(this Utf8JsonWriter writer, string name, string? json)
    {
        if (json is null)
        {
            return;
        }

        writer.WritePropertyName(name);
        writer.WriteRawValue(json, skipInputValidation: true);
    }
}
