using Crossroads.Geocoding.Index;

namespace Crossroads.Geocoding.Search;

/// <summary>
/// Addok's filters (FILTERS = type, citycode, postcode in the BAN configuration): values ORed within a filter,
/// filters ANDed. "type=housenumber" keeps documents that have housenumbers (Addok's special filter set).
/// Evaluated as a predicate over document columns instead of Redis sets.
/// </summary>
internal sealed class DocFilter
{
    private readonly GeocoderIndex _ix;
    private readonly HashSet<byte>? _types;
    private readonly bool _housenumberType;
    private readonly HashSet<int>? _postcodes;
    private readonly HashSet<int>? _citycodes;
    private int[]? _candidates;
    private bool _candidatesComputed;

    private DocFilter(GeocoderIndex ix, HashSet<byte>? types, bool housenumberType, HashSet<int>? postcodes, HashSet<int>? citycodes)
    {
        _ix = ix;
        _types = types;
        _housenumberType = housenumberType;
        _postcodes = postcodes;
        _citycodes = citycodes;
    }

    internal static DocFilter? Create(
        GeocoderIndex ix, IReadOnlyList<string>? types, IReadOnlyList<string>? postcodes, IReadOnlyList<string>? citycodes)
    {
        var typeValues = Normalize(types);
        var postcodeValues = Normalize(postcodes);
        var citycodeValues = Normalize(citycodes);
        if (typeValues.Count == 0 && postcodeValues.Count == 0 && citycodeValues.Count == 0)
        {
            return null;
        }
        HashSet<byte>? typeSet = null;
        var housenumber = false;
        if (typeValues.Count > 0)
        {
            typeSet = [];
            foreach (var t in typeValues)
            {
                if (t == "housenumber")
                {
                    housenumber = true;
                }
                var i = Array.IndexOf(ix.Types, t);
                if (i >= 0)
                {
                    typeSet.Add((byte)i);
                }
            }
        }
        return new DocFilter(ix, typeSet, housenumber, Lookup(ix, postcodeValues), Lookup(ix, citycodeValues));
    }

    /// <summary>Addok's <c>_setup_housenumber_checks</c>: (check_housenumber, only_housenumber).</summary>
    internal static (bool Check, bool Only) HousenumberChecks(IReadOnlyList<string>? types)
    {
        var values = Normalize(types);
        if (values.Count == 0)
        {
            return (true, false);
        }
        var check = values.Contains("housenumber");
        return (check, check && values.Count == 1);
    }

    // Addok's _normalize_filter_values: trimmed, non-empty, deduplicated, at most MAX_FILTER_VALUES (10).
    private static List<string> Normalize(IReadOnlyList<string>? values) =>
        values is null ? [] : values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct().Take(10).ToList();

    private static HashSet<int>? Lookup(GeocoderIndex ix, List<string> values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        var set = new HashSet<int>();
        foreach (var v in values)
        {
            var i = Array.IndexOf(ix.Strings, v);
            if (i >= 0)
            {
                set.Add(i);
            }
        }
        return set;
    }

    /// <summary>
    /// Every document that can pass the filter, ascending, when the filter names communes (citycodes or postcodes: a
    /// few hundred documents, Addok's <c>f|…</c> sets); null for a type filter alone (half the base). A superset:
    /// <see cref="Accept"/> still decides. Computed once per search.
    /// </summary>
    internal int[]? CandidateDocs()
    {
        if (!_candidatesComputed)
        {
            _candidatesComputed = true;
            var byCitycode = _citycodes is null ? null : Union(_citycodes, _ix.DocsWithCitycode);
            var byPostcode = _postcodes is null ? null : Union(_postcodes, _ix.DocsWithPostcode);
            _candidates = byCitycode is null || (byPostcode is not null && byPostcode.Length < byCitycode.Length) ? byPostcode : byCitycode;
        }
        return _candidates;
    }

    private delegate ReadOnlySpan<int> DocsOf(int value);

    private static int[] Union(HashSet<int> values, DocsOf docsOf)
    {
        var all = new List<int>();
        foreach (var v in values)
        {
            all.AddRange(docsOf(v));
        }
        all.Sort();
        var unique = new List<int>(all.Count);
        foreach (var doc in all)
        {
            if (unique.Count == 0 || unique[^1] != doc)
            {
                unique.Add(doc);
            }
        }
        return [.. unique];
    }

    internal bool Accept(int doc)
    {
        if (_types is not null || _housenumberType)
        {
            var ok = (_types is not null && _types.Contains(_ix.DocType[doc])) || (_housenumberType && _ix.HasHousenumbers(doc));
            if (!ok)
            {
                return false;
            }
        }
        if (_postcodes is not null && !AnyIn(_ix.PostcodeStart, _ix.PostcodeRefs, doc, _postcodes))
        {
            return false;
        }
        return _citycodes is null || AnyIn(_ix.CitycodeStart, _ix.CitycodeRefs, doc, _citycodes);
    }

    private static bool AnyIn(Column<int> start, Column<int> refs, int doc, HashSet<int> set)
    {
        for (var i = start[doc]; i < start[doc + 1]; i++)
        {
            if (set.Contains(refs[i]))
            {
                return true;
            }
        }
        return false;
    }
}
