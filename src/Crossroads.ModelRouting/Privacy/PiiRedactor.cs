using System.Text;
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
    private readonly IReadOnlyList<IPiiDetector> _detectors;

    /// <summary>A redactor with <paramref name="detectors"/>, in priority order.</summary>
    public PiiRedactor(IReadOnlyList<IPiiDetector> detectors) => _detectors = detectors ?? throw new ArgumentNullException(nameof(detectors));

    /// <summary>Every built-in detector: secrets, e-mail, IBAN, card numbers, SSN, phone.</summary>
    public static PiiRedactor Default { get; } = new([new SecretDetector(), new EmailDetector(), new IbanDetector(), new CardNumberDetector(), new SsnDetector(), new PhoneDetector()]);

    /// <summary>The values found in <paramref name="text"/>, without overlaps, in text order.</summary>
    public List<PiiMatch> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var all = new List<PiiMatch>();
        var kept = new List<PiiMatch>();
        foreach (var detector in _detectors)
        {
            all.Clear();
            detector.Find(text, all);
            all.Sort(static (a, b) => b.Length.CompareTo(a.Length));
            foreach (var m in all)
            {
                if (!kept.Exists(k => k.Start < m.End && m.Start < k.End))
                {
                    kept.Add(m);
                }
            }
        }

        kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }

    /// <summary>Redacts <paramref name="messages"/> (unchanged instances when nothing is found in them).</summary>
    public PiiRedaction Redact(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Dictionary<(PiiKind, string), string>? placeholders = null;
        Dictionary<PiiKind, int>? counts = null;
        var output = new ChatMessage[messages.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var found = Find(message.Content);
            if (found.Count == 0)
            {
                output[i] = message;
                continue;
            }

            placeholders ??= [];
            counts ??= [];
            var text = new StringBuilder(message.Content.Length);
            int at = 0;
            foreach (var m in found)
            {
                text.Append(message.Content, at, m.Start - at);
                var key = (m.Kind, message.Content.Substring(m.Start, m.Length));
                if (!placeholders.TryGetValue(key, out var placeholder))
                {
                    int n = counts[m.Kind] = counts.GetValueOrDefault(m.Kind) + 1;
                    placeholder = $"[{PiiKinds.Label(m.Kind)}_{n}]";
                    placeholders[key] = placeholder;
                }

                text.Append(placeholder);
                at = m.End;
            }

            text.Append(message.Content, at, message.Content.Length - at);
            output[i] = message with { Content = text.ToString() };
        }

        return new PiiRedaction(output, (IReadOnlyDictionary<PiiKind, int>?)counts ?? new Dictionary<PiiKind, int>());
    }
}
