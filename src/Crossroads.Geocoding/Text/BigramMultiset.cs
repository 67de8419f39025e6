using System.Numerics;

namespace Crossroads.Geocoding.Text;

/// <summary>
/// The bigrams of one string (two UTF-16 units packed in an int) as a multiset: a small open-addressing table of
/// distinct bigrams and their counts. A search compares its query with every label of every candidate (hundreds of
/// labels), so the query side is built once and each label is counted against it by lookups, in one pass and
/// without sorting the label's bigrams.
/// </summary>
internal sealed class BigramMultiset
{
    private readonly int[] _grams;
    private readonly int[] _counts;
    private readonly int _shift;

    internal BigramMultiset(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        Count = Math.Max(0, text.Length - 1);
        // At most half full, so a probe ends after a slot or two.
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, Count * 2));
        _shift = 32 - BitOperations.Log2((uint)size);
        _grams = new int[size];
        _counts = new int[size];
        for (var i = 0; i < Count; i++)
        {
            var slot = Slot(Gram(text, i));
            _grams[slot] = Gram(text, i);
            _counts[slot]++;
        }
    }

    internal string Text { get; }

    /// <summary>The number of bigrams, repeats included (length − 1).</summary>
    internal int Count { get; }

    /// <summary>The size of the table: the length of the scratch span <see cref="SharedWith(string, Span{int})"/> needs.</summary>
    internal int TableSize => _counts.Length;

    /// <summary>
    /// How many bigrams of <paramref name="text"/> the two strings share, as a multiset intersection (a bigram
    /// twice in one and once in the other counts once). <paramref name="scratch"/> holds <see cref="TableSize"/> ints.
    /// </summary>
    internal int SharedWith(string text, Span<int> scratch)
    {
        var remaining = scratch[.._counts.Length];
        _counts.CopyTo(remaining);
        var same = 0;
        for (var i = 0; i < text.Length - 1; i++)
        {
            var gram = Gram(text, i);
            var slot = Slot(gram);
            if (remaining[slot] > 0 && _grams[slot] == gram)
            {
                remaining[slot]--;
                same++;
            }
        }
        return same;
    }

    /// <summary>
    /// <see cref="SharedWith(string, Span{int})"/> for a label kept as parts: the bigrams of the parts that are not
    /// empty joined by single spaces, read across the joins without building the string.
    /// </summary>
    internal int SharedWith(Search.FoldedLabel label, Span<int> scratch)
    {
        var remaining = scratch[.._counts.Length];
        _counts.CopyTo(remaining);
        var same = 0;
        var previous = -1; // the character before, once there is one
        for (var p = 0; p < label.Count; p++)
        {
            var part = label.Part(p);
            if (part.Length == 0)
            {
                continue;
            }
            if (previous >= 0)
            {
                same += Take((previous << 16) | ' ', remaining);
                previous = ' ';
            }
            foreach (var c in part)
            {
                if (previous >= 0)
                {
                    same += Take((previous << 16) | c, remaining);
                }
                previous = c;
            }
        }
        return same;
    }

    // One bigram of the other string: 1 if the query has one of it left unmatched (now taken), else 0.
    private int Take(int gram, Span<int> remaining)
    {
        var slot = Slot(gram);
        if (remaining[slot] > 0 && _grams[slot] == gram)
        {
            remaining[slot]--;
            return 1;
        }
        return 0;
    }

    private static int Gram(string text, int i) => (text[i] << 16) | text[i + 1];

    /// <summary>The slot holding <paramref name="gram"/>, or the empty slot where it would go (count 0).</summary>
    private int Slot(int gram)
    {
        var mask = _counts.Length - 1;
        var slot = (int)(((uint)gram * 0x9E3779B1u) >> _shift);
        while (_counts[slot] > 0 && _grams[slot] != gram)
        {
            slot = (slot + 1) & mask;
        }
        return slot;
    }
}
