namespace Crossroads.Geocoding.Index;

/// <summary>Bitmaps of the common terms, built on first use (see <see cref="DocBitmap"/>).</summary>
public sealed partial class GeocoderIndex
{
    private DocBitmap?[]? _bitmaps;

    /// <summary>
    /// The bitmap of <paramref name="term"/> when it is in at least 1/<see cref="DocBitmap.Density"/> of the documents, else null. Two first
    /// callers may both build it (a benign race: equal bitmaps, one published).
    /// </summary>
    internal DocBitmap? Bitmap(int term)
    {
        var frequency = Frequency(term);
        if (frequency == 0 || (long)frequency * DocBitmap.Density < DocumentCount)
        {
            return null;
        }
        var bitmaps = _bitmaps ??= new DocBitmap?[TermCount];
        return bitmaps[term] ??= DocBitmap.Build(
            PostingDoc.Slice(PostingStart[term], frequency), DocumentCount);
    }
}
