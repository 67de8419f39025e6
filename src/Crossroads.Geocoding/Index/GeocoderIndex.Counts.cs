namespace Crossroads.Geocoding.Index;

/// <summary>Document counts by type, for readiness and gauges.</summary>
public sealed partial class GeocoderIndex
{
    private IReadOnlyDictionary<string, int>? _countsByType;

    /// <summary>
    /// How many documents of each type the index holds (<c>municipality</c>, <c>street</c>, <c>locality</c>, and any other
    /// type the data uses), in type order. Counted once on first use: the index never changes.
    /// </summary>
    public IReadOnlyDictionary<string, int> DocumentCountsByType()
    {
        // A benign race: two first callers count the same immutable arrays and publish equal dictionaries.
        return _countsByType ??= Count();

        Dictionary<string, int> Count()
        {
            var perType = new int[Types.Length];
            foreach (byte type in DocType.Span)
            {
                perType[type]++;
            }

            var counts = new Dictionary<string, int>(Types.Length, StringComparer.Ordinal);
            for (int t = 0; t < Types.Length; t++)
            {
                counts[Types[t]] = perType[t];
            }

            return counts;
        }
    }
}
