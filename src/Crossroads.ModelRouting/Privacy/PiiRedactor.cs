using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// Runs the detectors over a request's messages and replaces each value by a typed numbered placeholder
/// (<c>[EMAIL_1]</c>, <c>[CARD_2]</c>): numbered per kind in order of first appearance, the same value getting the
/// same placeholder anywhere in the request, so the model can still tell "the same address" from "another one".
/// Where matches overlap, the earlier detector in the list wins (a secret or an IBAN is not also a phone number),
/// then the longer match.
/// </summary>
public sealed class PiiRedactor
{
    // Placeholders and non-ASCII text stay readable in redacted JSON (the model reads it); it is a request body, not HTML.
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IReadOnlyList<IPiiDetector> _detectors;

    /// <summary>A redactor with <paramref name="detectors"/>, in priority order.</summary>
    public PiiRedactor(IReadOnlyList<IPiiDetector> detectors) => _detectors = detectors ?? throw new ArgumentNullException(nameof(detectors));

    // Priority order: a secret or an IBAN is not also a phone number, nor an IP address a phone's digit groups.
    private static readonly IPiiDetector[] BuiltIn = [new SecretDetector(), new EmailDetector(), new IbanDetector(), new CardNumberDetector(), new SsnDetector(), new IpAddressDetector(), new PhoneDetector()];

    /// <summary>The default detectors (<see cref="PiiKinds.Defaults"/>): secrets, e-mail, IBAN, card numbers, SSN, phone.</summary>
    public static PiiRedactor Default { get; } = For(PiiKinds.Defaults);

    /// <summary>A redactor with the built-in detectors of <paramref name="kinds"/>, in the built-in priority order.</summary>
    public static PiiRedactor For(IEnumerable<PiiKind> kinds)
    {
        var wanted = new HashSet<PiiKind>(kinds ?? throw new ArgumentNullException(nameof(kinds)));
        return new([.. BuiltIn.Where(d => wanted.Contains(d.Kind))]);
    }

    // Kept values compared one by one below this many; a map of the covered characters above it.
    private const int ScanLimit = 64;

    /// <summary>The values found in <paramref name="text"/>, without overlaps, in text order.</summary>
    public List<PiiMatch> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var all = new List<PiiMatch>();
        var kept = new List<PiiMatch>();
        // The characters the kept values cover, once there are more of them than a scan should walk: comparing each
        // value with every kept one is quadratic, minutes of CPU for a prompt that lists tens of thousands of
        // addresses or numbers; the map makes the check as long as the value.
        bool[]? covered = null;
        foreach (var detector in _detectors)
        {
            all.Clear();
            detector.Find(text, all);
            all.Sort(static (a, b) => b.Length.CompareTo(a.Length));
            foreach (var m in all)
            {
                if (covered is null && kept.Count >= ScanLimit)
                {
                    covered = new bool[text.Length];
                    foreach (var k in kept)
                    {
                        covered.AsSpan(k.Start, k.Length).Fill(true);
                    }
                }

                bool overlaps = covered is null || m.Length == 0
                    ? kept.Exists(k => k.Start < m.End && m.Start < k.End)
                    : covered.AsSpan(m.Start, m.Length).Contains(true);
                if (!overlaps)
                {
                    kept.Add(m);
                    covered?.AsSpan(m.Start, m.Length).Fill(true);
                }
            }
        }

        kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }

    /// <summary>
    /// Redacts <paramref name="messages"/> (unchanged instances when nothing is found in them): their text, and in
    /// tool JSON (an assistant's tool call arguments; a tool message's content when it is JSON) the string values
    /// one by one, so the JSON stays valid and its keys and structure reach the model as they were. Of a message with
    /// images only the text parts are read.
    /// </summary>
    public PiiRedaction Redact(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var state = new State();
        var output = new ChatMessage[messages.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Parts is { } parts)
            {
                output[i] = RedactParts(message, parts, state);
                continue;
            }

            var content = message.Role == "tool" ? RedactJsonOrText(message.Content, state) : RedactText(message.Content, state);
            var calls = message.ToolCalls;
            if (calls is { Count: > 0 })
            {
                var redacted = new ToolCall[calls.Count];
                bool changed = false;
                for (int c = 0; c < calls.Count; c++)
                {
                    var arguments = RedactJsonOrText(calls[c].Arguments, state);
                    changed |= !ReferenceEquals(arguments, calls[c].Arguments);
                    redacted[c] = ReferenceEquals(arguments, calls[c].Arguments) ? calls[c] : calls[c] with { Arguments = arguments };
                }

                calls = changed ? redacted : calls;
            }

            output[i] = ReferenceEquals(content, message.Content) && ReferenceEquals(calls, message.ToolCalls) ? message : message with { Content = content, ToolCalls = calls };
        }

        return new PiiRedaction(output, (IReadOnlyDictionary<PiiKind, int>?)state.Counts ?? new Dictionary<PiiKind, int>())
        {
            Placeholders = state.Placeholders is { Count: > 0 } given
                ? new PiiPlaceholders(given.ToDictionary(static p => p.Value, static p => p.Key.Item2, StringComparer.Ordinal))
                : PiiPlaceholders.Empty,
        };
    }

    /// <summary>
    /// A message with images: each text part redacted on its own (a value split across two parts is not found) and
    /// the joined text rebuilt from them; images pass as they are (no text is read out of pixels, URLs or base64).
    /// </summary>
    private ChatMessage RedactParts(ChatMessage message, IReadOnlyList<ContentPart> parts, State state)
    {
        var redacted = new ContentPart[parts.Count];
        bool changed = false;
        for (int p = 0; p < parts.Count; p++)
        {
            var text = parts[p].Text;
            var replaced = text is null ? null : RedactText(text, state);
            changed |= !ReferenceEquals(text, replaced);
            redacted[p] = ReferenceEquals(text, replaced) ? parts[p] : ContentPart.OfText(replaced!);
        }

        return changed ? message with { Content = ContentPart.JoinedText(redacted), Parts = redacted } : message;
    }

    /// <summary>The text with each value replaced by its placeholder; the same instance when nothing was found.</summary>
    private string RedactText(string value, State state)
    {
        var found = Find(value);
        if (found.Count == 0)
        {
            return value;
        }

        state.Placeholders ??= [];
        state.Counts ??= [];
        var text = new StringBuilder(value.Length);
        int at = 0;
        foreach (var m in found)
        {
            text.Append(value, at, m.Start - at);
            var key = (m.Kind, value.Substring(m.Start, m.Length));
            if (!state.Placeholders.TryGetValue(key, out var placeholder))
            {
                int n = state.Counts[m.Kind] = state.Counts.GetValueOrDefault(m.Kind) + 1;
                placeholder = $"[{PiiKinds.Label(m.Kind)}_{n}]";
                state.Placeholders[key] = placeholder;
            }

            text.Append(placeholder);
            at = m.End;
        }

        text.Append(value, at, value.Length - at);
        return text.ToString();
    }

    /// <summary>
    /// JSON text with its string values redacted (re-serialized only when something was found), or, when it is not
    /// JSON, redacted as text: a placeholder inside raw JSON could land across a quote or an escape, a string value
    /// cannot be broken that way.
    /// </summary>
    private string RedactJsonOrText(string value, State state)
    {
        var trimmed = value.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] is not ('{' or '['))
        {
            return RedactText(value, state);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return RedactText(value, state);
        }

        // Unchanged JSON keeps the client's bytes (spacing, escapes); only redacted JSON is written anew.
        return node is not null && RedactStrings(node, state) ? node.ToJsonString(JsonOptions) : value;
    }

    /// <summary>Replaces every string value under <paramref name="node"/> by its redaction, in place; true when one changed.</summary>
    private bool RedactStrings(JsonNode node, State state)
    {
        bool changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(static p => p.Key).ToList())
                {
                    changed |= Redacted(obj[name], replacement => obj[name] = replacement);
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    int at = i;
                    changed |= Redacted(array[i], replacement => array[at] = replacement);
                }

                break;
        }

        return changed;

        bool Redacted(JsonNode? child, Action<JsonNode> replace)
        {
            if (child is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String)
            {
                var text = scalar.GetValue<string>();
                var redacted = RedactText(text, state);
                if (ReferenceEquals(redacted, text))
                {
                    return false;
                }

                replace(JsonValue.Create(redacted));
                return true;
            }

            return child is not null && RedactStrings(child, state);
        }
    }

    /// <summary>The placeholders given so far (the same value, the same placeholder, anywhere in the request) and the count per kind.</summary>
    private sealed class State
    {
        public Dictionary<(PiiKind, string), string>? Placeholders { get; set; }

        public Dictionary<PiiKind, int>? Counts { get; set; }
    }
}
