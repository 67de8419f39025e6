namespace Crossroads.Geocoding.Text;

/// <summary>
/// The string comparisons of Addok's scoring (addok/helpers/text.py): <c>compare_ngrams</c> (python-ngram's
/// <c>NGram.compare(left, right, N=2, pad_len=0)</c>: shared bigrams, counted as a multiset, over all distinct
/// bigram occurrences of both strings) and <c>compare_str</c>, plus <c>equals</c>/<c>startswith</c>/<c>contains</c>.
/// Inputs are expected already folded by <see cref="TextPipeline.Ascii"/>.
/// </summary>
public static class StringSimilarity
{
    /// <summary>python-ngram <c>NGram.compare(left, right, N=2, pad_len=0)</c> as Addok's <c>compare_ngrams</c> calls it.</summary>
    public static double CompareNgrams(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(right);
        return CompareNgrams(left, new BigramMultiset(right));
    }

    /// <summary>
    /// <see cref="CompareNgrams(string, string)"/> against bigrams counted once: a search compares one query with every
    /// label of every candidate, so the query side is not rebuilt per label.
    /// </summary>
    internal static double CompareNgrams(string left, BigramMultiset right)
    {
        ArgumentNullException.ThrowIfNull(left);
        if (left.Length == 1 && right.Text.Length == 1)
        {
            return left == right.Text ? 1.0 : 0.0;
        }
        var leftCount = Math.Max(0, left.Length - 1);
        var rightCount = right.Count;
        if (leftCount == 0 || rightCount == 0)
        {
            return 0.0;
        }
        // Multiset intersection of the bigrams: each of the label's bigrams takes one of the query's left unmatched.
        Span<int> scratch = right.TableSize <= 512 ? stackalloc int[right.TableSize] : new int[right.TableSize];
        var same = right.SharedWith(left, scratch);
        if (same == 0)
        {
            return 0.0;
        }
        var all = leftCount + rightCount - same;
        return (double)same / all;
    }

    /// <summary>Addok's <c>compare_str</c> (trigram overlap with space padding, plus a bounded edit distance).</summary>
    public static double CompareStr(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var leftGrams = Trigrams(left);
        var rightGrams = Trigrams(right);
        var common = 0;
        foreach (var g in leftGrams)
        {
            if (rightGrams.Contains(g))
            {
                common++;
            }
        }
        var max = Math.Max(left.Length, right.Length);
        var distance = max == 0 ? 0.0 : (double)(Levenshtein(left, right) - Math.Abs(left.Length - right.Length)) / max;
        return ((double)common / rightGrams.Count * 0.85)
            + ((double)common / leftGrams.Count * 0.05)
            + ((1 - distance) * 0.1);
    }

    /// <summary>Addok's <c>equals(candidate, target)</c> on folded strings.</summary>
    public static bool AsciiEquals(string candidate, string target) => string.Equals(candidate, target, StringComparison.Ordinal);

    /// <summary>Addok's <c>startswith(candidate, target)</c>: target starts with candidate.</summary>
    public static bool AsciiStartsWith(string candidate, string target) =>
        target.StartsWith(candidate, StringComparison.Ordinal);

    /// <summary>Addok's <c>contains(candidate, target)</c>: candidate is in target.</summary>
    public static bool AsciiContains(string candidate, string target) =>
        target.Contains(candidate, StringComparison.Ordinal);

    private static HashSet<string> Trigrams(string text)
    {
        var padded = " " + text + " ";
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 3 <= padded.Length; i++)
        {
            set.Add(padded.Substring(i, 3));
        }
        return set;
    }

    internal static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
