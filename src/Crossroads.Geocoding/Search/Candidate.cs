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

    /// <summary>The folded labels as their parts, which the n-gram score reads in place.</summary>
    internal List<FoldedLabel> FoldedLabelParts { get; } = [];

    /// <summary>The folded labels as strings (autocomplete's equals/startswith/contains), joined on first use.</summary>
    internal List<string> FoldedLabels => _foldedLabels ??= FoldedLabelParts.ConvertAll(label => label.ToString());

    private List<string>? _foldedLabels;

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
        if (FoldedLabelParts.Count == 0)
        {
            AddLabels<FoldedLabel, FoldedParts>(FoldedLabelParts, folded: true);
            _foldedLabels = null;
        }
    }

    /// <summary>addok_france <c>make_labels</c>, as displayed: the same labels as <see cref="FoldedLabels"/>, unfolded.</summary>
    internal List<string> DisplayLabels()
    {
        var labels = new List<string>();
        AddLabels<string, Spaced>(labels, folded: false);
        return labels;
    }

    // How labels are made from their parts: strings joined by a space (display), or folded parts kept apart.
    private interface ILabelParts<T>
    {
        T Of(string part);

        T Join(T left, T right);
    }

    private readonly struct Spaced : ILabelParts<string>
    {
        public string Of(string part) => part;

        public string Join(string left, string right) => left + " " + right;
    }

    private readonly struct FoldedParts : ILabelParts<FoldedLabel>
    {
        public FoldedLabel Of(string part) => FoldedLabel.Of(part);

        public FoldedLabel Join(FoldedLabel left, FoldedLabel right) => FoldedLabel.Join(left, right);
    }

    private void AddLabels<TLabel, TParts>(List<TLabel> into, bool folded)
        where TParts : struct, ILabelParts<TLabel>
    {
        var parts = default(TParts);
        // Intern string ids: -1 for none.
        var housenumberId = Housenumber >= 0 ? _ix.HnRaw[Housenumber] : -1;
        string? housenumber = housenumberId >= 0 ? _ix.Strings[housenumberId] : null;
        var cityIds = new List<int>();
        for (var i = _ix.CityStart[Doc]; i < _ix.CityStart[Doc + 1]; i++)
        {
            cityIds.Add(_ix.CityRefs[i]);
        }
        if (cityIds.Count == 0)
        {
            cityIds.Add(-1);
        }
        var cities = cityIds.ConvertAll(id => id >= 0 ? _ix.Strings[id] : null);
        var postcodeId = _ix.PostcodeStart[Doc] < _ix.PostcodeStart[Doc + 1] ? _ix.PostcodeRefs[_ix.PostcodeStart[Doc]] : -1;
        var postcode = postcodeId >= 0 ? _ix.Strings[postcodeId] : null;
        var isMunicipality = Type == "municipality";
        // Each folded label is folded from its folded parts: folding maps characters one by one and collapses
        // separators, so Ascii(a + " " + b) is JoinFolded(Ascii(a), Ascii(b)). The parts are folded once instead of
        // every label, and the interned ones (housenumber, postcode, city) once per index. The conditions below
        // compare the raw values, as make_labels does.
        string Part(int id, string? raw) => string.IsNullOrEmpty(raw) ? "" : folded ? _ix.FoldedString(id) : raw;
        var housenumberPart = Part(housenumberId, housenumber);
        var postcodePart = Part(postcodeId, postcode);
        var cityParts = new List<TLabel>(cities.Count);
        for (var c = 0; c < cities.Count; c++)
        {
            cityParts.Add(parts.Of(Part(cityIds[c], cities[c])));
        }
        var housenumberLabel = parts.Of(housenumberPart);
        var postcodeLabel = parts.Of(postcodePart);
        for (var n = _ix.NameStart[Doc]; n < _ix.NameStart[Doc + 1]; n++)
        {
            var name = _ix.NamePool[n];
            var namePart = parts.Of(folded ? TextPipeline.Ascii(name) : name);
            for (var c = 0; c < cities.Count; c++)
            {
                var city = cities[c];
                var cityPart = cityParts[c];
                var first = into.Count;
                void Add(TLabel label)
                {
                    into.Insert(first, label);
                    if (housenumber is not null)
                    {
                        into.Insert(first, parts.Join(housenumberLabel, label));
                    }
                }
                var label = namePart;
                if (!string.IsNullOrEmpty(postcode) && isMunicipality)
                {
                    Add(parts.Join(label, postcodeLabel));
                    Add(parts.Join(postcodeLabel, label));
                }
                Add(label);
                if (!string.IsNullOrEmpty(city) && city != name)
                {
                    Add(parts.Join(label, cityPart));
                    if (!string.IsNullOrEmpty(postcode))
                    {
                        label = parts.Join(label, postcodeLabel);
                        Add(label);
                        label = parts.Join(label, cityPart);
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
        string.Create(CultureInfo.InvariantCulture, $"{(FoldedLabelParts.Count > 0 ? FoldedLabelParts[0].ToString() : Doc.ToString(CultureInfo.InvariantCulture))} {Score}");
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
