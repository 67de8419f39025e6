using System.Globalization;

namespace Crossroads.Hosting.Metrics;

/// <summary>
/// The identity of one series: tag names and values, sorted by name so callers passing tags in a different order
/// land in the same series. Built once per new series (slow path); lookups compare against the caller's tag span.
/// </summary>
internal sealed class LabelSet
{
    public static readonly LabelSet Empty = new([], [], []);

    private LabelSet(string[] tagNames, object?[] rawValues, string[] values)
    {
        TagNames = tagNames;
        RawValues = rawValues;
        LabelNames = Array.ConvertAll(tagNames, PrometheusNaming.LabelName);
        Values = values;
        Hash = LabelSetComparer.HashOf(tagNames, rawValues);
    }

    /// <summary>Tag names as the instrument reported them (used for equality).</summary>
    public string[] TagNames { get; }

    /// <summary>Tag values as reported (used for equality).</summary>
    public object?[] RawValues { get; }

    /// <summary>Prometheus label names, parallel to <see cref="Values"/>.</summary>
    public string[] LabelNames { get; }

    /// <summary>Label values formatted with the invariant culture.</summary>
    public string[] Values { get; }

    public int Hash { get; }

    public static LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = tags.ToArray();
        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var names = new string[pairs.Length];
        var raw = new object?[pairs.Length];
        var values = new string[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            names[i] = pairs[i].Key;
            raw[i] = pairs[i].Value;
            values[i] = Format(pairs[i].Value);
        }

        return new LabelSet(names, raw, values);
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
