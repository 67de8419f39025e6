using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crossroads.ServiceRoutes;

/// <summary>
/// Version → weight (percent) of a split, ordered by version (ordinal), compared by value. Construction does not
/// validate; <see cref="RouteValidation.CheckWeights"/> does (names valid, each weight 1..100, sum 100).
/// </summary>
public sealed class SplitWeights : IReadOnlyDictionary<string, int>, IEquatable<SplitWeights>
{
    private readonly SortedDictionary<string, int> _weights;

    /// <summary>Copies <paramref name="weights"/>.</summary>
    public SplitWeights(IEnumerable<KeyValuePair<string, int>> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _weights = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (version, weight) in weights)
        {
            _weights[version] = weight;
        }
    }

    public int Count => _weights.Count;

    public IEnumerable<string> Keys => _weights.Keys;

    public IEnumerable<int> Values => _weights.Values;

    public int this[string key] => _weights[key];

    public bool ContainsKey(string key) => _weights.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out int value) => _weights.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => _weights.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(SplitWeights? other) => other is not null && _weights.Count == other._weights.Count && _weights.SequenceEqual(other._weights);

    public override bool Equals(object? obj) => Equals(obj as SplitWeights);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (version, weight) in _weights)
        {
            hash.Add(version, StringComparer.Ordinal);
            hash.Add(weight);
        }

        return hash.ToHashCode();
    }

    /// <summary>The canonical JSON object, versions in order: <c>{"v1":90,"v2":10}</c> (as stored and published).</summary>
    public string ToJson()
    {
        var json = new StringBuilder(16 * _weights.Count).Append('{');
        foreach (var (version, weight) in _weights)
        {
            // Version names are validated to [A-Za-z0-9._-], which JSON strings carry unescaped.
            json.Append(json.Length > 1 ? "," : "").Append('"').Append(version).Append("\":").Append(weight.ToString(CultureInfo.InvariantCulture));
        }

        return json.Append('}').ToString();
    }

    /// <summary>The weights as <see cref="ToJson"/>.</summary>
    public override string ToString() => ToJson();

    internal static SplitWeights FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new SplitWeights(document.RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetInt32())));
    }
}
