using System.Numerics;
using Crossroads.Geocoding.Index;

namespace Crossroads.Geocoding.Search;

/// <summary>Set operations standing in for Addok's Redis commands (ZREVRANGE, SMEMBERS, ZINTERSTORE, manual_scan.lua).</summary>
internal static class SearchRunHelpers
{
    /// <summary>
    /// Addok's <c>Search.intersect</c>: one token key → its best <paramref name="limit"/> documents by boost; the geohash
    /// key alone → all its documents; several keys (a filter counts as one) → documents in all of them, ranked by
    /// the sum of their token boosts, best <paramref name="limit"/>. Ties: lower document ordinal (file order) first.
    /// </summary>
    internal static List<int> Intersect(GeocoderIndex ix, List<int> keys, int[]? geohashDocs, DocFilter? filter, int limit)
    {
        var terms = keys.Where(k => k >= 0).ToList();
        var hasGeohash = keys.Contains(SearchRun.GeohashKey);
        if (hasGeohash && geohashDocs is null)
        {
            return [];
        }
        var effective = keys.Count + (filter is null ? 0 : 1);
        if (effective == 1)
        {
            if (hasGeohash)
            {
                return [.. geohashDocs!];
            }
            return Best(ix, terms[0], limit);
        }
        var top = new TopK(limit);
        if (terms.Count == 0)
        {
            foreach (var doc in geohashDocs!)
            {
                if (filter is null || filter.Accept(doc))
                {
                    top.Offer(doc, 0);
                }
            }
            return top.Result();
        }
        // The sum is accumulated in this order (rarest term first) whichever list drives, so scores are bit-identical.
        terms.Sort((a, b) => ix.Frequency(a).CompareTo(ix.Frequency(b)));
        // Redis' ZINTERSTORE walks the smallest set and probes the others: the smallest here may be the rarest term's
        // postings, the documents around the centre, or a commune filter's documents (Addok's f|citycode|… set).
        var seeds = hasGeohash && geohashDocs!.Length < ix.Frequency(terms[0]) ? geohashDocs : null;
        var filterDocs = filter?.CandidateDocs();
        if (filterDocs is not null && filterDocs.Length < (seeds?.Length ?? ix.Frequency(terms[0])))
        {
            seeds = filterDocs;
        }
        if (seeds is null)
        {
            IntersectDriven(ix, terms, Postings(ix, terms[0]), driverIsFirstTerm: true, hasGeohash ? geohashDocs : null, filter, top);
        }
        else
        {
            IntersectDriven(ix, terms, seeds, driverIsFirstTerm: false, hasGeohash ? geohashDocs : null, filter, top);
        }
        return top.Result();
    }

    /// <summary>
    /// Walks <paramref name="drivers"/> (ascending documents: the rarest term's postings, or a short list of candidate
    /// documents) and looks each one up in every term's postings: a bit test for the very common terms (those with a
    /// <see cref="DocBitmap"/>), a gallop from the previous position for the others. The score is summed in term
    /// order (rarest first) whichever list drives, so it is bit-identical to a plain merge.
    /// </summary>
    private static void IntersectDriven(
        GeocoderIndex ix, List<int> terms, ReadOnlySpan<int> drivers, bool driverIsFirstTerm, int[]? geohashDocs, DocFilter? filter, TopK top)
    {
        var n = terms.Count;
        var first = driverIsFirstTerm ? 1 : 0;
        var starts = new int[n];
        var lengths = new int[n];
        var bitmaps = new DocBitmap?[n];
        var found = new int[n];
        // The probed terms split by how they are probed: bitmaps, and postings lists with a cursor each.
        var bitmapTerms = new List<DocBitmap>(n);
        var listTerms = new int[n];
        var listCount = 0;
        for (var k = 0; k < n; k++)
        {
            starts[k] = ix.PostingStart[terms[k]];
            lengths[k] = ix.Frequency(terms[k]);
            if (k < first)
            {
                continue;
            }
            if (ix.Bitmap(terms[k]) is { } bitmap)
            {
                bitmaps[k] = bitmap;
                bitmapTerms.Add(bitmap);
            }
            else
            {
                listTerms[listCount++] = k;
            }
        }
        var postings = ix.PostingDoc;
        var boosts = ix.PostingBoost;
        var cursors = new int[n];
        var words = new ulong[bitmapTerms.Count][];
        for (var b = 0; b < words.Length; b++)
        {
            words[b] = bitmapTerms[b].Words;
        }
        // The driver is walked 64 documents (one bitmap word) at a time: its documents in that word become a mask,
        // ANDed with the common terms' words, and only the bits left are candidates. A document missing a common word
        // costs an OR into the mask, not a test and a branch of its own, and the words are read once per word of the
        // driver instead of once per document.
        var i = 0;
        while (i < drivers.Length)
        {
            var word = drivers[i] >> 6;
            var runEnd = i;
            var mask = 0UL;
            do
            {
                mask |= 1UL << (drivers[runEnd] & 63);
                runEnd++;
            }
            while (runEnd < drivers.Length && drivers[runEnd] >> 6 == word);
            var live = mask;
            for (var b = 0; b < words.Length && live != 0; b++)
            {
                live &= words[b][word];
            }
            var next = runEnd;
            while (live != 0)
            {
                var bit = BitOperations.TrailingZeroCount(live);
                live &= live - 1;
                var doc = (word << 6) | bit;
                // The driver's index of this document: its run start plus the driver documents below it in the word.
                var index = i + BitOperations.PopCount(mask & ((1UL << bit) - 1));
                var all = true;
                for (var j = 0; j < listCount; j++)
                {
                    var k = listTerms[j];
                    var docs = postings.Slice(starts[k], lengths[k]);
                    var at = GallopTo(docs, cursors[k], doc);
                    cursors[k] = at;
                    if (at >= docs.Length)
                    {
                        // This list is exhausted: no later driver document can be in it.
                        return;
                    }
                    if (docs[at] != doc)
                    {
                        // This list has no document between the driver and docs[at]: the driver leaps there (a
                        // leapfrog intersection), which skips the runs of driver documents another term does not have.
                        var target = docs[at];
                        if (target >> 6 == word)
                        {
                            live &= ~((1UL << (target & 63)) - 1);
                        }
                        else
                        {
                            live = 0;
                            next = GallopTo(drivers, runEnd, target);
                        }
                        all = false;
                        break;
                    }
                    found[k] = starts[k] + at;
                }
                if (!all || !Admits(doc, geohashDocs, filter))
                {
                    continue;
                }
                double score = driverIsFirstTerm ? boosts[starts[0] + index] : 0;
                for (var k = first; k < n; k++)
                {
                    var position = bitmaps[k] is { } bitmap ? starts[k] + bitmap.Position(doc) : found[k];
                    score = k == 0 ? boosts[position] : score + boosts[position];
                }
                top.Offer(doc, score);
            }
            i = next;
        }
    }

    private static bool Admits(int doc, int[]? geohashDocs, DocFilter? filter) =>
        (geohashDocs is null || Array.BinarySearch(geohashDocs, doc) >= 0) && (filter is null || filter.Accept(doc));

    private static ReadOnlySpan<int> Postings(GeocoderIndex ix, int term) =>
        ix.PostingDoc.Slice(ix.PostingStart[term], ix.PostingStart[term + 1] - ix.PostingStart[term]);

    /// <summary>ZREVRANGE key 0 limit-1.</summary>
    internal static List<int> Best(GeocoderIndex ix, int term, int limit)
    {
        var headStart = ix.TopStart[term];
        var headEnd = ix.TopStart[term + 1];
        if (headEnd > headStart && limit <= headEnd - headStart)
        {
            return [.. ix.TopDoc.Slice(headStart, limit)];
        }
        return [.. BestByBoost(ix.PostingDoc.Span, ix.PostingBoost.Span, ix.PostingStart[term], ix.PostingStart[term + 1], limit)];
    }

    internal static int[] BestByBoost(ReadOnlySpan<int> docs, ReadOnlySpan<float> boosts, int start, int end, int limit)
    {
        var top = new TopK(limit);
        for (var i = start; i < end; i++)
        {
            top.Offer(docs[i], boosts[i]);
        }
        return [.. top.Result()];
    }

    /// <summary>addok/helpers/lua/manual_scan.lua: the first 501 documents of the rarest key kept when in all others.</summary>
    internal static List<int> ManualScan(GeocoderIndex ix, List<int> terms, DocFilter? filter, int wanted)
    {
        var result = new List<int>();
        foreach (var doc in Best(ix, terms[0], 501))
        {
            var all = true;
            foreach (var other in terms.Skip(1))
            {
                var start = ix.PostingStart[other];
                if (ix.PostingDoc.Slice(start, ix.PostingStart[other + 1] - start).BinarySearch(doc) < 0)
                {
                    all = false;
                    break;
                }
            }
            if (all && (filter is null || filter.Accept(doc)))
            {
                result.Add(doc);
                if (result.Count == wanted)
                {
                    break;
                }
            }
        }
        return result;
    }

    /// <summary>
    /// The first position at or after <paramref name="from"/> whose document is ≥ <paramref name="value"/> (the list's
    /// length when none): exponential steps from the cursor, then a binary search within the last step. Successive
    /// probes of an ascending driver land near each other, so this reads a few neighbouring entries of a long list
    /// ("de": 1.5 M documents on the national base) instead of a binary search over its whole remainder.
    /// </summary>
    internal static int GallopTo(ReadOnlySpan<int> docs, int from, int value)
    {
        if (from >= docs.Length || docs[from] >= value)
        {
            return from;
        }
        // Invariant: docs[low] < value.
        var low = from;
        var step = 1;
        var high = from + 1;
        while (high < docs.Length && docs[high] < value)
        {
            low = high;
            step <<= 1;
            high = from + step;
        }
        if (high > docs.Length)
        {
            high = docs.Length;
        }
        // docs[low] < value ≤ docs[high] (or high = length): search (low, high).
        if (high - low <= 1)
        {
            return high; // the common case of an ascending probe: the next entry
        }
        var i = docs.Slice(low + 1, high - low - 1).BinarySearch(value);
        return low + 1 + (i >= 0 ? i : ~i);
    }
}
