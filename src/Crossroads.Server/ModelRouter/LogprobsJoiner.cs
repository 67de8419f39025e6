using System.Buffers;
using System.Text.Json;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Joins the <c>logprobs</c> objects of a streamed answer's chunks into the one object a non-streamed
/// <c>chat.completion</c> carries: OpenAI's <c>{"content": [...], "refusal": [...] | null}</c>, each array the
/// chunks' entries in order, every entry copied as the upstream wrote it. The router always streams from the
/// upstream, so this is how a client that did not ask for a stream still gets the upstream's log probabilities.
/// </summary>
internal sealed class LogprobsJoiner
{
    private readonly List<string> _content = [];
    private List<string>? _refusal;

    /// <summary>Whether any chunk carried a <c>logprobs</c> object.</summary>
    public bool Any { get; private set; }

    /// <summary>Adds one chunk's <c>logprobs</c> object (JSON text).</summary>
    public void Add(string json)
    {
        using var document = JsonDocument.Parse(json);
        Any = true;
        var root = document.RootElement;
        if (root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in content.EnumerateArray())
            {
                _content.Add(entry.GetRawText());
            }
        }

        if (root.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.Array)
        {
            _refusal ??= [];
            foreach (var entry in refusal.EnumerateArray())
            {
                _refusal.Add(entry.GetRawText());
            }
        }
    }

    /// <summary>Forgets everything (a retracted attempt).</summary>
    public void Clear()
    {
        _content.Clear();
        _refusal = null;
        Any = false;
    }

    /// <summary>The joined object, or null when no chunk carried one.</summary>
    public string? ToJson()
    {
        if (!Any)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("content");
            foreach (var entry in _content)
            {
                writer.WriteRawValue(entry, skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (_refusal is null)
            {
                writer.WriteNull("refusal");
            }
            else
            {
                writer.WriteStartArray("refusal");
                foreach (var entry in _refusal)
                {
                    writer.WriteRawValue(entry, skipInputValidation: true);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
