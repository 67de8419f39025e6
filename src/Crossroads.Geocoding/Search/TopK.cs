namespace Crossroads.Geocoding.Search;

/// <summary>
/// Keeps the best k documents by score (descending), ties to the lower document ordinal (file order), as a bounded
/// min-heap of (score, doc) pairs. The result depends only on the offered pairs, not on the order they were offered
/// in, which lets an intersection visit documents from whichever list is shortest.
/// </summary>
internal sealed class TopK
{
    private readonly int _k;
    private double[] _scores;
    private int[] _docs;
    private int _count;

    internal TopK(int k)
    {
        _k = Math.Max(0, k);
        // The heap grows with what is offered: most intersections keep far fewer than k documents.
        _scores = new double[Math.Min(_k, 16)];
        _docs = new int[_scores.Length];
    }

    internal void Offer(int doc, double score)
    {
        if (_k == 0)
        {
            return;
        }
        if (_count < _k && _count == _scores.Length)
        {
            var size = Math.Min(_k, _scores.Length * 2);
            Array.Resize(ref _scores, size);
            Array.Resize(ref _docs, size);
        }
        var scores = _scores;
        var docs = _docs;
        if (_count < _k)
        {
            var i = _count++;
            // Sift up.
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Worse(score, doc, scores[parent], docs[parent]))
                {
                    break;
                }
                scores[i] = scores[parent];
                docs[i] = docs[parent];
                i = parent;
            }
            scores[i] = score;
            docs[i] = doc;
            return;
        }
        // Full: replace the worst (the root) when the new pair is better.
        if (!Worse(scores[0], docs[0], score, doc))
        {
            return;
        }
        var at = 0;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= _count)
            {
                break;
            }
            if (child + 1 < _count && Worse(scores[child + 1], docs[child + 1], scores[child], docs[child]))
            {
                child++;
            }
            if (!Worse(scores[child], docs[child], score, doc))
            {
                break;
            }
            scores[at] = scores[child];
            docs[at] = docs[child];
            at = child;
        }
        scores[at] = score;
        docs[at] = doc;
    }

    /// <summary>The kept documents, best first.</summary>
    internal List<int> Result()
    {
        var scores = _scores;
        var docs = _docs;
        var order = new int[_count];
        for (var i = 0; i < _count; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) => Worse(scores[a], docs[a], scores[b], docs[b]) ? 1 : Worse(scores[b], docs[b], scores[a], docs[a]) ? -1 : 0);
        var result = new List<int>(_count);
        foreach (var i in order)
        {
            result.Add(docs[i]);
        }
        return result;
    }

    // (a) ranks below (b): lower score, or the same score and a higher ordinal.
    private static bool Worse(double scoreA, int docA, double scoreB, int docB) =>
        scoreA < scoreB || (scoreA == scoreB && docA > docB);
}
