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
            IntersectFromRarest(ix, terms, hasGeohash ? geohashDocs : null, filter, top);
        }
        else
        {
            IntersectFromSeeds(ix, terms, seeds, hasGeohash ? geohashDocs : null, filter, top);
        }
        return top.Result();
    }

    // Drives with the rarest term's postings and gallops through the others (all ascending by document).
    private static void IntersectFromRarest(GeocoderIndex ix, List<int> terms, int[]? geohashDocs, DocFilter? filter, TopK top)
    {
        var driver = terms[0];
        var driverDocs = Postings(ix, driver);
        var driverBoosts = Boosts(ix, driver);
        var cursors = new int[terms.Count];
        for (var i = 0; i < driverDocs.Length; i++)
        {
            var doc = driverDocs[i];
            double score = driverBoosts[i];
            var all = true;
            for (var k = 1; k < terms.Count; k++)
            {
                var docs = Postings(ix, terms[k]);
                var found = GallopTo(docs, cursors[k], doc);
                cursors[k] = found;
                if (found >= docs.Length)
                {
                    // This list is exhausted: no later document of the driver can be in it.
                    return;
                }
                if (docs[found] != doc)
                {
                    all = false;
                    break;
                }
                score += Boosts(ix, terms[k])[found];
            }
            if (all && Admits(doc, geohashDocs, filter))
            {
                top.Offer(doc, score);
            }
        }
    }

    // Drives with a short sorted list of candidate documents (around the centre, or in the filtered communes) and
    // looks every term up in turn; the score is summed in term order, as when the rarest term drives.
    private static void IntersectFromSeeds(
        GeocoderIndex ix, List<int> terms, int[] seeds, int[]? geohashDocs, DocFilter? filter, TopK top)
    {
        var cursors = new int[terms.Count];
        foreach (var doc in seeds)
        {
            double score = 0;
            var all = true;
            for (var k = 0; k < terms.Count; k++)
            {
                var docs = Postings(ix, terms[k]);
                var found = GallopTo(docs, cursors[k], doc);
                cursors[k] = found;
                if (found >= docs.Length)
                {
                    return;
                }
                if (docs[found] != doc)
                {
                    all = false;
                    break;
                }
                var boost = Boosts(ix, terms[k])[found];
                score = k == 0 ? boost : score + boost;
            }
            if (all && Admits(doc, geohashDocs, filter))
            {
                top.Offer(doc, score);
            }
        }
    }

    private static bool Admits(int doc, int[]? geohashDocs, DocFilter? filter) =>
        (geohashDocs is null || Array.BinarySearch(geohashDocs, doc) >= 0) && (filter is null || filter.Accept(doc));

    private static ReadOnlySpan<int> Postings(GeocoderIndex ix, int term) =>
        ix.PostingDoc.Slice(ix.PostingStart[term], ix.PostingStart[term + 1] - ix.PostingStart[term]);

    private static ReadOnlySpan<float> Boosts(GeocoderIndex ix, int term) =>
        ix.PostingBoost.Slice(ix.PostingStart[term], ix.PostingStart[term + 1] - ix.PostingStart[term]);

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
        var i = docs.Slice(low + 1, high - low - 1).BinarySearch(value);
        return low + 1 + (i >= 0 ? i : ~i);
    }
}
