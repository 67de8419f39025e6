namespace Crossroads.Geocoding.Text;

/// <summary>The bigrams of one string (two UTF-16 units packed in an int), sorted, for <see cref="StringSimilarity"/>.</summary>
internal sealed class SortedBigrams
{
    internal SortedBigrams(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        Grams = new int[Math.Max(0, text.Length - 1)];
        Fill(text, Grams);
    }

    internal string Text { get; }

    internal int[] Grams { get; }

    /// <summary>Writes the sorted bigrams of <paramref name="text"/> (length − 1 of them) into <paramref name="grams"/>.</summary>
    internal static void Fill(string text, Span<int> grams)
    {
        for (var i = 0; i < grams.Length; i++)
        {
            grams[i] = (text[i] << 16) | text[i + 1];
        }
        grams.Sort();
    }
}
