using Crossroads.Geocoding.Text;

namespace Crossroads.Geocoding.Search;

/// <summary>
/// A folded label kept as its folded parts (housenumber, name, postcode, city: at most four), read as the parts that
/// are not empty joined by single spaces, which is what <see cref="Candidate.JoinFolded"/> builds. The n-gram score
/// walks the parts in place: a search scores up to a hundred candidates with up to ten labels each, and most labels
/// are compared once and dropped, so building each one as a string was an allocation and a copy for nothing.
/// </summary>
internal readonly struct FoldedLabel
{
    private readonly string _p0;
    private readonly string _p1;
    private readonly string _p2;
    private readonly string _p3;

    private FoldedLabel(string p0, string p1, string p2, string p3, int count)
    {
        _p0 = p0;
        _p1 = p1;
        _p2 = p2;
        _p3 = p3;
        Count = count;
    }

    /// <summary>The number of parts, empty ones included.</summary>
    internal int Count { get; }

    internal static FoldedLabel Of(string part) => new(part, "", "", "", 1);

    /// <summary>The parts of <paramref name="left"/> then those of <paramref name="right"/> (four at most in all).</summary>
    internal static FoldedLabel Join(FoldedLabel left, FoldedLabel right)
    {
        if (left.Count + right.Count > 4)
        {
            throw new InvalidOperationException("a label has at most four parts");
        }
        Span<string> parts = ["", "", "", ""];
        for (var i = 0; i < left.Count; i++)
        {
            parts[i] = left.Part(i);
        }
        for (var i = 0; i < right.Count; i++)
        {
            parts[left.Count + i] = right.Part(i);
        }
        return new(parts[0], parts[1], parts[2], parts[3], left.Count + right.Count);
    }

    internal string Part(int i) => i switch
    {
        0 => _p0,
        1 => _p1,
        2 => _p2,
        _ => _p3,
    };

    /// <summary>The length of the joined string.</summary>
    internal int Length
    {
        get
        {
            var length = 0;
            for (var i = 0; i < Count; i++)
            {
                var part = Part(i);
                if (part.Length > 0)
                {
                    length += length > 0 ? part.Length + 1 : part.Length;
                }
            }
            return length;
        }
    }

    /// <summary>The joined string (what the label would be as one string).</summary>
    public override string ToString()
    {
        var label = "";
        for (var i = 0; i < Count; i++)
        {
            label = Candidate.JoinFolded(label, Part(i));
        }
        return label;
    }

    /// <summary>
    /// <see cref="StringSimilarity.CompareNgrams(string, BigramMultiset)"/> of the joined string, without joining it.
    /// </summary>
    internal double CompareNgrams(BigramMultiset query)
    {
        var length = Length;
        if (length == 1 && query.Text.Length == 1)
        {
            return ToString() == query.Text ? 1.0 : 0.0;
        }
        var leftCount = Math.Max(0, length - 1);
        var rightCount = query.Count;
        if (leftCount == 0 || rightCount == 0)
        {
            return 0.0;
        }
        Span<int> scratch = query.TableSize <= 512 ? stackalloc int[query.TableSize] : new int[query.TableSize];
        var same = query.SharedWith(this, scratch);
        if (same == 0)
        {
            return 0.0;
        }
        return (double)same / (leftCount + rightCount - same);
    }
}
