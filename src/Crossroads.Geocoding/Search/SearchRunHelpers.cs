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
        // Drive with the shortest posting list, probe the others by binary search.
        terms.Sort((a, b) => ix.Frequency(a).CompareTo(ix.Frequency(b)));
        var driver = terms[0];
        var others = terms.Skip(1).ToArray();
        var cursors = others.Select(t => ix.PostingStart[t]).ToArray();
        for (var i = ix.PostingStart[driver]; i < ix.PostingStart[driver + 1]; i++)
        {
            var doc = ix.PostingDoc[i];
            double score = ix.PostingBoost[i];
            var all = true;
            for (var k = 0; k < others.Length; k++)
            {
                var end = ix.PostingStart[others[k] + 1];
                var found = GallopTo(ix.PostingDoc, cursors[k], end, doc);
                cursors[k] = found;
                if (found >= end || ix.PostingDoc[found] != doc)
                {
                    all = false;
                    break;
                }
                score += ix.PostingBoost[found];
            }
            if (!all)
            {
                continue;
            }
            if (hasGeohash && Array.BinarySearch(geohashDocs!, doc) < 0)
            {
                continue;
            }
            if (filter is not null && !filter.Accept(doc))
            {
                continue;
            }
            top.Offer(doc, score);
        }
        return top.Result();
    }

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

    private static int GallopTo(Column<int> array, int from, int end, int value)
    {
        if (from >= end || array[from] >= value)
        {
            return from;
        }
        var i = array.Slice(from, end - from).BinarySearch(value);
        return from + (i >= 0 ? i : ~i);
    }

    /// <summary>Keeps the best k (score descending, document ascending).</summary>
    private sealed class TopK(int k)
    {
        private readonly PriorityQueue<int, (double Score, int Doc)> _heap = new(Comparer<(double Score, int Doc)>.Create(
            (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Doc.CompareTo(a.Doc)));

        public void Offer(int doc, double score)
        {
            if (k <= 0)
            {
                return;
            }
            if (_heap.Count < k)
            {
                _heap.Enqueue(doc, (score, doc));
                return;
            }
            _heap.TryPeek(out _, out var worst);
            if (score > worst.Score || (score == worst.Score && doc < worst.Doc))
            {
                _heap.DequeueEnqueue(doc, (score, doc));
            }
        }

        public List<int> Result()
        {
            var items = new List<(double Score, int Doc)>(_heap.Count);
            while (_heap.TryDequeue(out var doc, out var priority))
            {
                items.Add((priority.Score, doc));
            }
            items.Reverse();
            return items.Select(i => i.Doc).ToList();
        }
    }
}
