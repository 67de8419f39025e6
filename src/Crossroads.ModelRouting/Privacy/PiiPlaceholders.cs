using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// The placeholders one request's redaction produced and the values they stand for, so the answer can be given back
/// with the client's own data (Presidio's "deanonymize"). It lives only as long as the request: it is never logged,
/// recorded or sent upstream, and <see cref="ToString"/> names only how many there are.
/// </summary>
public sealed class PiiPlaceholders
{
    private readonly Dictionary<string, string> _originals;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _foldedLookup;
    private PiiPlaceholders? _json;

    /// <summary>A map from placeholder (<c>[EMAIL_1]</c>) to original value.</summary>
    public PiiPlaceholders(IReadOnlyDictionary<string, string> originals)
    {
        ArgumentNullException.ThrowIfNull(originals);
        _originals = new Dictionary<string, string>(originals, StringComparer.Ordinal);
        _lookup = _originals.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var placeholder in _originals.Keys)
        {
            // The scanner relies on it: '[' only first and ']' only last, so two placeholders never overlap.
            if (placeholder.Length < 3 || placeholder[0] != '[' || placeholder[^1] != ']' || placeholder.AsSpan(1, placeholder.Length - 2).IndexOfAny('[', ']') >= 0)
            {
                throw new ArgumentException($"'{placeholder}' is not a placeholder of the form [LABEL_n].", nameof(originals));
            }

            Longest = Math.Max(Longest, placeholder.Length);
        }

        // Spellings a model makes of a placeholder it was shown ([Email 1], [email-1]), folded to one key. Two
        // placeholders that fold alike (custom labels differing only in case) are matched exactly only: restoring
        // the wrong client value would be worse than leaving a placeholder.
        var folded = new Dictionary<string, string>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (placeholder, original) in _originals)
        {
            var key = Fold(placeholder);
            if (!folded.TryAdd(key, original))
            {
                ambiguous.Add(key);
            }
        }

        foreach (var key in ambiguous)
        {
            folded.Remove(key);
        }

        _foldedLookup = folded.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>No placeholder: nothing to restore.</summary>
    public static PiiPlaceholders Empty { get; } = new(new Dictionary<string, string>());

    /// <summary>How many placeholders there are.</summary>
    public int Count => _originals.Count;

    /// <summary>The length of the longest placeholder: a stream never holds back more than this minus one characters.</summary>
    public int Longest { get; }

    /// <summary>
    /// The same map with each original escaped as inside a JSON string (tool-call arguments are JSON text). The
    /// built-in detectors' values hold no quote, backslash or control character, so this only matters for custom ones.
    /// </summary>
    public PiiPlaceholders ForJson() => _json ??= new(_originals.ToDictionary(
        static p => p.Key,
        static p => JsonEncodedText.Encode(p.Value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value,
        StringComparer.Ordinal));

    /// <summary><paramref name="text"/> with every placeholder of this map replaced by its original (others stay).</summary>
    public string Restore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Count == 0 || !text.Contains('[', StringComparison.Ordinal))
        {
            return text;
        }

        var output = new StringBuilder(text.Length);
        Restore(text, output, final: true);
        return output.ToString();
    }

    /// <summary>Names the count only: the values must not reach a log through a stray interpolation.</summary>
    public override string ToString() => $"{Count} PII placeholder(s)";

    /// <summary>
    /// Appends <paramref name="text"/> to <paramref name="output"/> with each placeholder replaced, scanning left to
    /// right; unless <paramref name="final"/>, a tail that is still a proper prefix of a placeholder (an unmatched
    /// <c>[</c> and what follows) is not appended. Returns that tail's length (0 when <paramref name="final"/>).
    /// </summary>
    internal int Restore(ReadOnlySpan<char> text, StringBuilder output, bool final) => Restore(text, output, final, null);

    /// <summary>
    /// <see cref="Restore(ReadOnlySpan{char}, StringBuilder, bool)"/>, telling <paramref name="offsets"/> where each
    /// placeholder stood (counted from its <see cref="RestoredOffsets.Consumed"/>, where <paramref name="text"/> starts).
    /// </summary>
    internal int Restore(ReadOnlySpan<char> text, StringBuilder output, bool final, RestoredOffsets? offsets)
    {
        int at = 0;
        int counted = 0;
        long before = offsets?.Consumed ?? 0;
        while (true)
        {
            int open = text[at..].IndexOf('[');
            if (open < 0)
            {
                output.Append(text[at..]);
                return 0;
            }

            open += at;
            output.Append(text[at..open]);
            var rest = text[open..];
            int close = rest[..Math.Min(rest.Length, Longest)].IndexOf(']');
            if (close >= 0 && TryFind(rest[..(close + 1)], out var original))
            {
                if (offsets is not null)
                {
                    // Counted from the last placeholder on, so a text with many stays linear.
                    before += RestoredOffsets.CodePoints(text[counted..open]);
                    offsets.Replaced(before, close + 1, original);
                    before += close + 1;
                    counted = open + close + 1;
                }

                output.Append(original);
                at = open + close + 1;
                continue;
            }

            if (close < 0 && !final && IsProperPrefix(rest))
            {
                return rest.Length;
            }

            output.Append('[');
            at = open + 1;
        }
    }

    /// <summary>
    /// The original behind <paramref name="candidate"/> (a bracketed span no longer than <see cref="Longest"/>): its
    /// exact spelling, else a variant that differs only in letter case and in the separator (<c>_</c>, space or
    /// <c>-</c>), as models rewrite placeholders they echo. Only the request's own placeholders match, so a variant
    /// can only ever give the client back a value it sent.
    /// </summary>
    private bool TryFind(ReadOnlySpan<char> candidate, out string original)
    {
        if (_lookup.TryGetValue(candidate, out original!))
        {
            return true;
        }

        Span<char> folded = candidate.Length <= 256 ? stackalloc char[candidate.Length] : new char[candidate.Length];
        for (int i = 0; i < candidate.Length; i++)
        {
            folded[i] = Fold(candidate[i]);
        }

        return _foldedLookup.TryGetValue(folded, out original!);
    }

    /// <summary>Whether <paramref name="tail"/> could still grow into one of this map's placeholders or their variants.</summary>
    private bool IsProperPrefix(ReadOnlySpan<char> tail)
    {
        if (tail.Length >= Longest)
        {
            return false;
        }

        foreach (var placeholder in _originals.Keys)
        {
            if (StartsWithFolded(placeholder, tail))
            {
                return true;
            }
        }

        return false;
    }

    private static bool StartsWithFolded(string placeholder, ReadOnlySpan<char> tail)
    {
        if (tail.Length > placeholder.Length)
        {
            return false;
        }

        for (int i = 0; i < tail.Length; i++)
        {
            if (Fold(placeholder[i]) != Fold(tail[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Fold(string placeholder) => string.Create(placeholder.Length, placeholder, static (span, p) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = Fold(p[i]);
        }
    });

    /// <summary>ASCII letters to upper case, the separators a model may use to <c>_</c>; anything else as it is.</summary>
    private static char Fold(char c) => c switch
    {
        >= 'a' and <= 'z' => (char)(c - ('a' - 'A')),
        ' ' or '-' => '_',
        _ => c,
    };
}
