using System.Numerics;
using System.Runtime.CompilerServices;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// The documents of one common term ("de", "rue", "sainte": a 128th of the base or more) as one bit per document,
/// with the count of set bits before each 64-bit word. Membership is one bit test, and the document's position in
/// the term's postings (to read its boost) is that count plus a popcount, where the sorted postings need a search
/// per probe. 12 bytes per 64 documents (~440 KB on the national base), built on first use.
/// </summary>
internal sealed class DocBitmap
{
    private readonly ulong[] _bits;
    private readonly int[] _rank;

    private DocBitmap(ulong[] bits, int[] rank)
    {
        _bits = bits;
        _rank = rank;
    }

    /// <summary>
    /// A term gets a bitmap when it is in at least 1/<c>Density</c> of the documents. It was 16 (14 terms on the
    /// national base); at 128 (18,000 documents there, close to Addok's common-term threshold of 10,000) the
    /// moderately common words that full addresses without a city intersect ("sainte", "marie", "residence") are
    /// bit tests in the word-at-a-time AND instead of gallops in their postings: ~18 % less search CPU on the
    /// national queries (the same process alternating both settings), for at most 0.44 MB a term built on first use.
    /// </summary>
    internal const int Density = 128;

    internal static DocBitmap Build(ReadOnlySpan<int> postings, int documentCount)
    {
        var bits = new ulong[(documentCount + 63) >> 6];
        foreach (var doc in postings)
        {
            bits[doc >> 6] |= 1UL << (doc & 63);
        }
        var rank = new int[bits.Length];
        var count = 0;
        for (var w = 0; w < bits.Length; w++)
        {
            rank[w] = count;
            count += BitOperations.PopCount(bits[w]);
        }
        return new DocBitmap(bits, rank);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Contains(int doc) => ((_bits[doc >> 6] >> (doc & 63)) & 1) != 0;

    /// <summary>The bits of documents 64 × <paramref name="index"/> to 64 × <paramref name="index"/> + 63.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong Word(int index) => _bits[index];

    /// <summary>The position of <paramref name="doc"/> (which must be present) within the term's postings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Position(int doc) =>
        _rank[doc >> 6] + BitOperations.PopCount(_bits[doc >> 6] & ((1UL << (doc & 63)) - 1));

    /// <summary>The bit words themselves, for loops that AND several bitmaps a word at a time.</summary>
    internal ulong[] Words => _bits;

    internal long MemoryBytes => (_bits.LongLength * 8) + (_rank.LongLength * 4);
}
