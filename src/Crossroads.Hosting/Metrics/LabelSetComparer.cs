namespace Crossroads.Hosting.Metrics;

/// <summary>
/// Compares label sets with each other and with a measurement's raw tag span. The hash is order-independent
/// (a sum of per-tag hashes) so the span needs no sorting on the hot path.
/// </summary>
internal sealed class LabelSetComparer : IEqualityComparer<LabelSet>, IAlternateEqualityComparer<TagSpan, LabelSet>
{
    public static readonly LabelSetComparer Instance = new();

    public static int HashOf(string[] names, object?[] values)
    {
        var hash = names.Length;
        for (var i = 0; i < names.Length; i++)
        {
            hash += PairHash(names[i], values[i]);
        }

        return hash;
    }

    private static int PairHash(string name, object? value) =>
        HashCode.Combine(name.GetHashCode(StringComparison.Ordinal), value?.GetHashCode() ?? 0);

    public bool Equals(LabelSet? x, LabelSet? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Hash != y.Hash || x.TagNames.Length != y.TagNames.Length)
        {
            return false;
        }

        for (var i = 0; i < x.TagNames.Length; i++)
        {
            if (!string.Equals(x.TagNames[i], y.TagNames[i], StringComparison.Ordinal) || !Equals(x.RawValues[i], y.RawValues[i]))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(LabelSet obj) => obj.Hash;

    public bool Equals(TagSpan alternate, LabelSet other)
    {
        var tags = alternate.Tags;
        if (tags.Length != other.TagNames.Length)
        {
            return false;
        }

        // Quadratic, but instruments carry a handful of tags; cheaper than sorting the span.
        foreach (var tag in tags)
        {
            var index = Array.IndexOf(other.TagNames, tag.Key);
            if (index < 0 || !Equals(other.RawValues[index], tag.Value))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(TagSpan alternate)
    {
        var tags = alternate.Tags;
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash += PairHash(tag.Key, tag.Value);
        }

        return hash;
    }

    public LabelSet Create(TagSpan alternate) => LabelSet.Create(alternate.Tags);
}
