namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// Maps character offsets into the upstream's text (with placeholders) to offsets into the restored text (with the
/// client's values), from the replacements a <see cref="PlaceholderStream"/> made: an upstream's annotations
/// (<c>url_citation</c>'s <c>start_index</c>/<c>end_index</c>) are counted in the text it wrote, and every restored value
/// longer or shorter than its placeholder shifts what follows. Offsets are counted in Unicode code points, as OpenAI's
/// are (a surrogate pair is one character); text of the Basic Multilingual Plane counts the same in UTF-16.
/// </summary>
public sealed class RestoredOffsets
{
    private readonly List<(long Start, int Length, long Restored)> _replacements = [];

    /// <summary>How many characters of the upstream's text have been restored and let out (a held tail is not yet).</summary>
    public long Consumed { get; private set; }

    /// <summary>How many placeholders were replaced so far.</summary>
    public int Count => _replacements.Count;

    /// <summary>
    /// <paramref name="offset"/> (upstream text) in the restored text. An offset inside a placeholder maps to the start
    /// of its value, or with <paramref name="end"/> (an exclusive end) to the end of it, so a citation that covered part
    /// of a placeholder covers the whole value.
    /// </summary>
    public long Map(long offset, bool end)
    {
        long shift = 0;
        foreach (var (start, length, restored) in _replacements)
        {
            if (offset >= start + length)
            {
                shift += restored - length;
            }
            else if (offset > start)
            {
                return start + shift + (end ? restored : 0);
            }
            else
            {
                break;
            }
        }

        return offset + shift;
    }

    /// <summary>Forgets every replacement (an attempt's output was retracted).</summary>
    public void Reset()
    {
        _replacements.Clear();
        Consumed = 0;
    }

    /// <summary>A placeholder of <paramref name="length"/> characters at upstream offset <paramref name="start"/> became <paramref name="original"/>.</summary>
    internal void Replaced(long start, int length, string original) => _replacements.Add((start, length, CodePoints(original)));

    /// <summary><paramref name="text"/> of the upstream's went out (restored).</summary>
    internal void Consume(ReadOnlySpan<char> text) => Consumed += CodePoints(text);

    /// <summary>Code points in <paramref name="text"/>: each low surrogate ends a pair already counted by its high one.</summary>
    internal static long CodePoints(ReadOnlySpan<char> text)
    {
        long count = text.Length;
        foreach (char c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    /// <summary>Names the count only, as <see cref="PiiPlaceholders"/> does.</summary>
    public override string ToString() => $"{Count} restored offset(s)";
}
