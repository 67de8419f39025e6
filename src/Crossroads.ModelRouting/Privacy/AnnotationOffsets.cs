using System.Buffers;
using System.Text.Json;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// Rewrites the character offsets of an upstream's <c>annotations</c> array (OpenAI's <c>url_citation</c>:
/// <c>{"type":"url_citation","url_citation":{"start_index","end_index","url","title"}}</c>) through a
/// <see cref="RestoredOffsets"/>, copying everything else as it came. Every integer <c>start_index</c>/<c>end_index</c>
/// member is mapped wherever it sits, so another annotation type with the same members is kept in step too.
/// </summary>
public static class AnnotationOffsets
{
    private const string StartIndex = "start_index";
    private const string EndIndex = "end_index";

    /// <summary>The largest offset <paramref name="annotations"/> (a JSON array) holds, or −1 without any.</summary>
    public static long Largest(string annotations)
    {
        using var document = JsonDocument.Parse(annotations);
        return Largest(document.RootElement);
    }

    /// <summary><paramref name="annotations"/> (a JSON array) with its offsets mapped by <paramref name="offsets"/>.</summary>
    public static string Map(string annotations, RestoredOffsets offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        using var document = JsonDocument.Parse(annotations);
        var buffer = new ArrayBufferWriter<byte>(annotations.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, document.RootElement, offsets, null);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static long Largest(JsonElement element)
    {
        long most = -1;
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in element.EnumerateObject())
            {
                most = IsOffset(member.Name) && member.Value.TryGetInt64(out long value)
                    ? Math.Max(most, value)
                    : Math.Max(most, Largest(member.Value));
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                most = Math.Max(most, Largest(item));
            }
        }

        return most;
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, RestoredOffsets offsets, string? name)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in element.EnumerateObject())
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value, offsets, member.Name);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, offsets, null);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number when name is not null && IsOffset(name) && element.TryGetInt64(out long offset) && offset >= 0:
                writer.WriteNumberValue(offsets.Map(offset, end: name == EndIndex));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static bool IsOffset(string name) => name is StartIndex or EndIndex;
}
