namespace Crossroads.Geocoding.Index;

/// <summary>
/// Documents by citycode and by postcode (Addok's <c>f|citycode|…</c> and <c>f|postcode|…</c> sets), so that a search
/// filtered by one commune starts from that commune's few documents instead of scanning the postings of common words
/// ("rue", "de") and testing every document against the filter.
/// </summary>
public sealed partial class GeocoderIndex
{
    private ValueIndex? _docsByCitycode;
    private ValueIndex? _docsByPostcode;

    /// <summary>The documents (ascending ordinals) that list the intern string <paramref name="stringId"/> as a citycode.</summary>
    internal ReadOnlySpan<int> DocsWithCitycode(int stringId) =>
        (_docsByCitycode ??= ValueIndex.Invert(CitycodeStart, CitycodeRefs, Strings.Length)).Docs(stringId);

    /// <summary>The documents (ascending ordinals) that list the intern string <paramref name="stringId"/> as a postcode.</summary>
    internal ReadOnlySpan<int> DocsWithPostcode(int stringId) =>
        (_docsByPostcode ??= ValueIndex.Invert(PostcodeStart, PostcodeRefs, Strings.Length)).Docs(stringId);

    /// <summary>
    /// A document → values CSR turned around: value → documents. Built on first use (one pass over the column, ~10 ms
    /// and 4 bytes a document on the national base) rather than stored in the index file, so existing files keep
    /// working; two first callers may both build it (a benign race: equal arrays, one published).
    /// </summary>
    private sealed class ValueIndex(int[] start, int[] docs)
    {
        internal ReadOnlySpan<int> Docs(int value) =>
            (uint)value < (uint)(start.Length - 1) ? docs.AsSpan(start[value], start[value + 1] - start[value]) : [];

        internal static ValueIndex Invert(Column<int> docStart, Column<int> refs, int valueCount)
        {
            var start = new int[valueCount + 1];
            var documents = docStart.Length - 1;
            for (var d = 0; d < documents; d++)
            {
                for (var i = docStart[d]; i < docStart[d + 1]; i++)
                {
                    if (!Repeats(refs, docStart[d], i))
                    {
                        start[refs[i] + 1]++;
                    }
                }
            }
            for (var v = 0; v < valueCount; v++)
            {
                start[v + 1] += start[v];
            }
            var docs = new int[start[valueCount]];
            var next = start[..valueCount];
            // Documents in ascending order, so each value's list comes out sorted.
            for (var d = 0; d < documents; d++)
            {
                for (var i = docStart[d]; i < docStart[d + 1]; i++)
                {
                    if (!Repeats(refs, docStart[d], i))
                    {
                        docs[next[refs[i]]++] = d;
                    }
                }
            }
            return new ValueIndex(start, docs);
        }

        // A document listing the same value twice (aliases) is counted once.
        private static bool Repeats(Column<int> refs, int from, int i)
        {
            for (var j = from; j < i; j++)
            {
                if (refs[j] == refs[i])
                {
                    return true;
                }
            }
            return false;
        }
    }
}
