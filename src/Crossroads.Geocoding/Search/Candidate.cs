using System.Globalization;
using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Text;

namespace Crossroads.Geocoding.Search;

internal enum ScoreKind
{
    Importance,
    Text,
    Geo,
}

/// <summary>Addok's <c>Result</c> while it is scored: document, matched housenumber, labels, partial scores.</summary>
internal sealed class Candidate
{
    private readonly GeocoderIndex _ix;
    // Partial scores in Addok's insertion order (importance, str_distance, geo_distance): value, ceiling, present.
    private readonly double[] _values = new double[3];
    private readonly double[] _ceilings = new double[3];
    private readonly bool[] _present = new bool[3];
    private readonly List<ScoreKind> _order = new(3);

    internal Candidate(GeocoderIndex index, int doc)
    {
        _ix = index;
        Doc = doc;
        Lat = index.LatE7[doc] / 1e7;
        Lon = index.LonE7[doc] / 1e7;
    }

    internal int Doc { get; }

    internal int Housenumber { get; private set; } = -1;

    internal double Lat { get; private set; }

    internal double Lon { get; private set; }

    internal double? Distance { get; set; }

    internal List<string> FoldedLabels { get; } = [];

    internal string Type => Housenumber >= 0 ? "housenumber" : _ix.TypeOf(Doc);

    internal double TextScore => _present[(int)ScoreKind.Text] ? _values[(int)ScoreKind.Text] : 0.0;

    internal double Score
    {
        get
        {
            double sum = 0, max = 0;
            foreach (var kind in _order)
            {
                sum += _values[(int)kind];
            }
            foreach (var kind in _order)
            {
                max += _ceilings[(int)kind];
            }
            return max == 0 ? 0 : sum / max;
        }
    }

    internal void AddScore(ScoreKind kind, double score, double ceiling)
    {
        var i = (int)kind;
        if (!_present[i])
        {
            _order.Add(kind);
            _present[i] = true;
            _values[i] = score;
            _ceilings[i] = ceiling;
        }
        else if (score >= _values[i])
        {
            _values[i] = score;
            _ceilings[i] = ceiling;
        }
    }

    /// <summary>Addok's <c>match_housenumber</c>: the housenumber whose processed key equals the query's.</summary>
    internal void MatchHousenumber(string key)
    {
        var found = -1;
        for (var h = _ix.HnStart[Doc]; h < _ix.HnStart[Doc + 1]; h++)
        {
            if (_ix.Strings[_ix.HnKey[h]] == key)
            {
                found = h; // later duplicates win, as in Addok's dict
            }
        }
        if (found >= 0)
        {
            SetHousenumber(found);
        }
    }

    internal void SetHousenumber(int h)
    {
        Housenumber = h;
        Lat = _ix.HnLatE7[h] / 1e7;
        Lon = _ix.HnLonE7[h] / 1e7;
    }

    /// <summary>
    /// addok_france <c>make_labels</c>, folded: the labels the text score compares with the query. The display labels
    /// (<see cref="DisplayLabels"/>) are only built for the few candidates that are rendered: a search scores up to a
    /// hundred candidates per bucket and shows three to five.
    /// </summary>
    internal void MakeLabels()
    {
        if (FoldedLabels.Count == 0)
        {
            AddLabels(FoldedLabels, folded: true);
        }
    }

    /// <summary>addok_france <c>make_labels</c>, as displayed: the same labels as <see cref="FoldedLabels"/>, unfolded.</summary>
    internal List<string> DisplayLabels()
    {
        var labels = new List<string>();
        AddLabels(labels, folded: false);
        return labels;
    }

    private void AddLabels(List<string> into, bool folded)
    {
        string? housenumber = Housenumber >= 0 ? _ix.Strings[_ix.HnRaw[Housenumber]] : null;
        var cities = new List<string?>();
        for (var i = _ix.CityStart[Doc]; i < _ix.CityStart[Doc + 1]; i++)
        {
            cities.Add(_ix.Strings[_ix.CityRefs[i]]);
        }
        if (cities.Count == 0)
        {
            cities.Add(null);
        }
        var postcode = _ix.First(_ix.PostcodeStart, _ix.PostcodeRefs, Doc);
        var isMunicipality = Type == "municipality";
        // Each folded label is folded from its folded parts: folding maps characters one by one and collapses
        // separators, so Ascii(a + " " + b) is JoinFolded(Ascii(a), Ascii(b)). The parts are folded once instead of
        // every label. The conditions below compare the raw values, as make_labels does.
        var housenumberPart = housenumber is null ? "" : folded ? TextPipeline.Ascii(housenumber) : housenumber;
        var postcodePart = string.IsNullOrEmpty(postcode) ? "" : folded ? TextPipeline.Ascii(postcode) : postcode;
        var cityParts = cities.ConvertAll(c => string.IsNullOrEmpty(c) ? "" : folded ? TextPipeline.Ascii(c) : c);
        string Join(string left, string right) => folded ? JoinFolded(left, right) : left + " " + right;
        for (var n = _ix.NameStart[Doc]; n < _ix.NameStart[Doc + 1]; n++)
        {
            var name = _ix.NamePool[n];
            var namePart = folded ? TextPipeline.Ascii(name) : name;
            for (var c = 0; c < cities.Count; c++)
            {
                var city = cities[c];
                var cityPart = cityParts[c];
                var first = into.Count;
                void Add(string label)
                {
                    into.Insert(first, label);
                    if (housenumber is not null)
                    {
                        into.Insert(first, Join(housenumberPart, label));
                    }
                }
                var label = namePart;
                if (!string.IsNullOrEmpty(postcode) && isMunicipality)
                {
                    Add(Join(label, postcodePart));
                    Add(Join(postcodePart, label));
                }
                Add(label);
                if (!string.IsNullOrEmpty(city) && city != name)
                {
                    Add(Join(label, cityPart));
                    if (!string.IsNullOrEmpty(postcode))
                    {
                        label = Join(label, postcodePart);
                        Add(label);
                        label = Join(label, cityPart);
                        Add(label);
                    }
                }
            }
        }
    }

    // Ascii(a + " " + b) from Ascii(a) and Ascii(b): a part that folds to nothing leaves no separator.
    internal static string JoinFolded(string left, string right) =>
        left.Length == 0 ? right : right.Length == 0 ? left : left + " " + right;

    /// <summary>A document (and housenumber, when h ≥ 0) rendered without score, for lookups by id.</summary>
    internal static GeocodeResult Render(GeocoderIndex index, int doc, int h)
    {
        var candidate = new Candidate(index, doc);
        if (h >= 0)
        {
            candidate.SetHousenumber(h);
        }
        candidate.MakeLabels();
        return candidate.ToResult();
    }

    internal GeocodeResult ToResult()
    {
        var docName = _ix.FirstName(Doc);
        var h = Housenumber;
        string? raw = h >= 0 ? _ix.Strings[_ix.HnRaw[h]] : null;
        var x = h >= 0 ? _ix.HnXCm[h] : _ix.XCm[Doc];
        var y = h >= 0 ? _ix.HnYCm[h] : _ix.YCm[Doc];
        var contextRef = _ix.ContextRef[Doc];
        var labels = DisplayLabels();
        return new GeocodeResult
        {
            Label = labels.Count > 0 ? labels[0] : docName,
            Score = Score,
            Type = Type,
            Housenumber = raw,
            Id = h >= 0 ? _ix.HousenumberId(Doc, h) : _ix.DocIds[Doc],
            Name = raw is null ? docName : raw + " " + docName,
            Postcode = _ix.First(_ix.PostcodeStart, _ix.PostcodeRefs, Doc),
            Citycode = _ix.First(_ix.CitycodeStart, _ix.CitycodeRefs, Doc),
            X = x == int.MinValue ? null : x / 100.0,
            Y = y == int.MinValue ? null : y / 100.0,
            City = _ix.First(_ix.CityStart, _ix.CityRefs, Doc),
            Context = contextRef >= 0 ? _ix.Strings[contextRef] : null,
            Importance = _ix.Importance[Doc],
            DocumentType = _ix.TypeOf(Doc),
            DocumentName = docName,
            Distance = Distance is { } d ? (int)d : null,
            Lat = Lat,
            Lon = Lon,
            Extras = ParseExtras(_ix.Extras[Doc]),
        };
    }

    private static List<KeyValuePair<string, string>> ParseExtras(string? packed)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (packed is null)
        {
            return list;
        }
        foreach (var entry in packed.Split('\u0002', StringSplitOptions.RemoveEmptyEntries))
        {
            var sep = entry.IndexOf('\u0001', StringComparison.Ordinal);
            list.Add(new(entry[..sep], entry[(sep + 1)..]));
        }
        return list;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(FoldedLabels.Count > 0 ? FoldedLabels[0] : Doc.ToString(CultureInfo.InvariantCulture))} {Score}");
}

/// <summary>A query token with its index lookups (Addok's Token.db_key, frequency, is_common).</summary>
internal sealed class QueryToken
{
    internal QueryToken(Token token, int term, int frequency, bool isLast)
    {
        Value = token.Value;
        Positions = token.Positions;
        IsHousenumber = token.IsHousenumber;
        Term = term;
        Frequency = frequency;
        IsLast = isLast;
    }

    internal string Value { get; }

    internal IReadOnlyList<int> Positions { get; }

    internal bool IsHousenumber { get; }

    internal int Term { get; }

    internal int Frequency { get; }

    internal bool IsLast { get; }

    internal bool IsCommon => Frequency > SearchRun.CommonThreshold;

    public override string ToString() => Value;
}

/// <summary>Python list ordering of token positions.</summary>
internal sealed class PositionComparer : IComparer<IReadOnlyList<int>>
{
    internal static readonly PositionComparer Instance = new();

    public int Compare(IReadOnlyList<int>? x, IReadOnlyList<int>? y)
    {
        if (x is null || y is null)
        {
            return (x is null ? 0 : 1) - (y is null ? 0 : 1);
        }
        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            var c = x[i].CompareTo(y[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return x.Count.CompareTo(y.Count);
    }
}
