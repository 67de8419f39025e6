using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Text;

namespace Crossroads.Geocoding.Search;

/// <summary>
/// One search, following Addok 1.3's <c>Search</c> helper (addok/core.py) step by step: token selection
/// (addok/helpers/search.py), the default RESULTS_COLLECTORS chain (addok/helpers/collectors.py,
/// addok/autocomplete.py, addok/fuzzy.py) over postings instead of Redis sets, then the BAN result processors
/// (match_housenumber, addok_france.make_labels, score_by_importance, score_by_autocomplete_distance,
/// score_by_ngram_distance, score_by_geo_distance) and Addok's rendering (sort by score, limit, MIN_SCORE).
/// </summary>
internal sealed class SearchRun
{
    internal const int BucketMin = 10;
    internal const int BucketMax = 100;
    internal const int CommonThreshold = 10_000;
    internal const int IntersectLimit = 100_000;
    internal const double MatchThreshold = 0.9;
    internal const double MinScore = 0.1;
    internal const int MaxMeaningful = 10;
    internal const int GeohashKey = -1;

    private readonly GeocoderIndex _ix;
    private readonly SearchOptions _options;
    private readonly int _wanted;
    private readonly bool _autocomplete;
    private readonly double? _lat;
    private readonly double? _lon;
    private readonly DocFilter? _filter;
    private readonly bool _checkHousenumber;
    private readonly bool _onlyHousenumber;

    private string _query = "";
    private BigramMultiset? _queryBigrams;
    private string? _housenumberKey;
    private List<QueryToken> _tokens = [];
    private readonly List<QueryToken> _meaningful = [];
    private readonly List<QueryToken> _common = [];
    private readonly List<QueryToken> _notFound = [];
    private readonly List<QueryToken> _housenumbers = [];
    private QueryToken? _lastToken;
    private List<int> _keys = [];
    private HashSet<int> _bucket = [];
    private HashSet<int> _matchedKeys = [];
    private readonly Dictionary<int, Candidate> _results = [];
    private int _shouldMatchThreshold;
    private int[]? _geohashDocs;
    private bool _geohashComputed;

    internal SearchRun(GeocoderIndex index, SearchOptions options)
    {
        _ix = index;
        _options = options;
        _wanted = Math.Max(1, options.Limit);
        _autocomplete = options.Autocomplete;
        _lat = options.Lat;
        _lon = options.Lon;
        _filter = DocFilter.Create(index, options.Types, options.Postcodes, options.Citycodes);
        (_checkHousenumber, _onlyHousenumber) = DocFilter.HousenumberChecks(options.Types);
    }

    internal IReadOnlyList<GeocodeResult> Run(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        _query = TextPipeline.Ascii(query.Trim());
        // Preprocessors: tokenize (sort by length desc), search_tokens, select_tokens, set_should_match_threshold.
        var processed = _ix.Pipeline.ProcessQuery(query);
        _tokens = [];
        for (var i = 0; i < processed.Count; i++)
        {
            var t = processed[i];
            var term = _ix.TermId(t.Value);
            _tokens.Add(new QueryToken(t, term, _ix.Frequency(term), i == processed.Count - 1));
        }
        _lastToken = _tokens.Count > 0 ? _tokens[^1] : null;
        _tokens = [.. _tokens.OrderByDescending(t => t.Value.Length)];
        SelectTokens();
        _shouldMatchThreshold = (int)Math.Ceiling(2.0 / 3.0 * _tokens.Count);

        var collectors = new Func<bool?>[]
        {
            OnlyCommonsButGeohashTryAutocomplete,
            NoTokensButHousenumbersAndGeohash,
            NoAvailableTokensAbort,
            OnlyCommons,
            NoMeaningfulButCommonTryAutocomplete,
            OnlyCommonsTryAutocomplete,
            BucketWithMeaningful,
            ReduceWithOtherCommons,
            EnsureGeohashResultsAreIncludedIfCenterIsGiven,
            AutocompleteMeaningful,
            FuzzyCollector,
            ExtendResultsExtrapolingRelations,
            ExtendResultsReducingTokens,
        };
        foreach (var collector in collectors)
        {
            if (collector() == true)
            {
                break;
            }
        }
        return Render();
    }

    private void SelectTokens()
    {
        var kept = new List<QueryToken>();
        foreach (var token in _tokens)
        {
            if (token.IsHousenumber)
            {
                _housenumbers.Add(token);
                continue;
            }
            if (token.IsCommon)
            {
                _common.Add(token);
            }
            else if (token.Term >= 0)
            {
                _meaningful.Add(token);
            }
            else
            {
                _notFound.Add(token);
            }
            kept.Add(token);
        }
        _tokens = kept;
        StableSortByFrequency(_common);
        StableSortByFrequency(_meaningful);
        if (_meaningful.Count > MaxMeaningful)
        {
            _common.AddRange(_meaningful.Skip(MaxMeaningful));
            _meaningful.RemoveRange(MaxMeaningful, _meaningful.Count - MaxMeaningful);
        }
    }

    private static void StableSortByFrequency(List<QueryToken> list)
    {
        var sorted = list.OrderBy(t => t.Frequency).ToList();
        list.Clear();
        list.AddRange(sorted);
    }

    // ---------------------------------------------------------------- bucket state

    private bool BucketFull => _bucket.Count >= _wanted && _bucket.Count < BucketMax;

    private bool BucketOverflow => _bucket.Count >= BucketMax;

    private bool BucketDry => _bucket.Count < _wanted;

    private bool BucketEmpty => _bucket.Count == 0;

    private bool OnlyCommonsState => _tokens.Count > 0 && _tokens.Count == _common.Count;

    private bool PassShouldMatchThreshold => _matchedKeys.Count >= _shouldMatchThreshold;

    private int[]? GeohashDocs
    {
        get
        {
            if (!_geohashComputed)
            {
                _geohashComputed = true;
                // Addok: `if self.lat and self.lon` (0.0 is falsy).
                if (_lat is { } lat && _lon is { } lon && lat != 0 && lon != 0)
                {
                    var docs = new SortedSet<int>();
                    foreach (var cell in GeoMath.GeohashExpand(GeoMath.GeohashCell(lat, lon)))
                    {
                        var i = LowerBound(_ix.CellKey, cell);
                        for (; i < _ix.CellKey.Length && _ix.CellKey[i] == cell; i++)
                        {
                            docs.Add(_ix.CellDoc[i]);
                        }
                    }
                    _geohashDocs = docs.Count > 0 ? [.. docs] : null;
                }
            }
            return _geohashDocs;
        }
    }

    private bool HasGeohashKey => GeohashDocs is not null;

    private static int LowerBound(Column<long> array, long value)
    {
        int lo = 0, hi = array.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (array[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private void AddToBucket(List<int> keys, int limit = 0)
    {
        foreach (var k in keys)
        {
            if (k >= 0)
            {
                _matchedKeys.Add(k);
            }
        }
        if (limit == 0)
        {
            limit = BucketMax - _bucket.Count;
        }
        foreach (var doc in Intersect(keys, limit))
        {
            _bucket.Add(doc);
        }
    }

    private void NewBucket(List<int> keys, int limit = 0)
    {
        _matchedKeys = [.. keys.Where(k => k >= 0)];
        _bucket = [.. Intersect(keys, limit)];
    }

    private List<int> Intersect(List<int> keys, int limit)
    {
        if (limit <= 0)
        {
            limit = Math.Max(_wanted, BucketMax);
        }
        if (keys.Count == 0)
        {
            return [];
        }
        var distinct = keys.Distinct().ToList();
        return SearchRunHelpers.Intersect(_ix, distinct, GeohashDocs, _filter, limit);
    }

    // ---------------------------------------------------------------- results

    private void Convert()
    {
        var ids = _bucket.Where(id => !_results.ContainsKey(id)).ToList();
        ids.Sort();
        foreach (var id in ids)
        {
            var candidate = new Candidate(_ix, id);
            if (!MatchHousenumber(candidate))
            {
                continue;
            }
            candidate.MakeLabels();
            candidate.AddScore(ScoreKind.Importance, _ix.Importance[id] * GeocoderIndexBuilder.ImportanceWeight, GeocoderIndexBuilder.ImportanceWeight);
            if (_autocomplete)
            {
                ScoreByAutocompleteDistance(candidate);
            }
            else
            {
                ScoreByNgramDistance(candidate, 1.0);
            }
            if (_lat is { } lat && _lon is { } lon)
            {
                var km = GeoMath.HaversineKm(candidate.Lat, candidate.Lon, lat, lon);
                candidate.Distance = km * 1000;
                candidate.AddScore(ScoreKind.Geo, GeoMath.KmToScore(km) * 0.1, 0.1);
            }
            _results[id] = candidate;
        }
    }

    private bool MatchHousenumber(Candidate candidate)
    {
        if (!_checkHousenumber)
        {
            return true;
        }
        if (_housenumbers.Count > 0)
        {
            // The query's housenumber key is the same for every candidate: joined once per search.
            var raw = _housenumberKey ??= string.Concat(_housenumbers.OrderBy(t => t.Positions, PositionComparer.Instance).Select(t => t.Value));
            if (raw.Length > 0)
            {
                candidate.MatchHousenumber(raw);
            }
        }
        return !(_onlyHousenumber && candidate.Housenumber < 0);
    }

    private void ScoreByAutocompleteDistance(Candidate candidate)
    {
        var score = 0.0;
        foreach (var label in candidate.FoldedLabels)
        {
            if (StringSimilarity.AsciiEquals(_query, label))
            {
                score = 1.0;
            }
            else if (StringSimilarity.AsciiStartsWith(_query, label))
            {
                score = 0.9;
            }
            else if (StringSimilarity.AsciiContains(_query, label))
            {
                score = 0.7;
            }
            if (score > 0)
            {
                candidate.AddScore(ScoreKind.Text, score, 1.0);
            }
        }
        if (score == 0)
        {
            ScoreByNgramDistance(candidate, 0.9);
        }
    }

    private void ScoreByNgramDistance(Candidate candidate, double scale)
    {
        foreach (var label in candidate.FoldedLabelParts)
        {
            var score = label.CompareNgrams(_queryBigrams ??= new BigramMultiset(_query)) * scale;
            candidate.AddScore(ScoreKind.Text, score, 1.0);
            if (score >= MatchThreshold)
            {
                break;
            }
        }
    }

    private int Cream => _results.Values.Count(r => r.TextScore >= MatchThreshold);

    private bool HasCream()
    {
        if (BucketEmpty || BucketOverflow || _bucket.Count > BucketMin)
        {
            return false;
        }
        Convert();
        return Cream > 0;
    }

    private List<GeocodeResult> Render()
    {
        Convert();
        var sorted = _results.Values.OrderByDescending(r => r.Score).ToList();
        var output = new List<GeocodeResult>(Math.Min(_wanted, sorted.Count));
        foreach (var r in sorted.Take(_wanted))
        {
            if (r.Score < MinScore)
            {
                continue;
            }
            output.Add(r.ToResult());
        }
        return output;
    }

    // ---------------------------------------------------------------- collectors

    private bool? OnlyCommonsButGeohashTryAutocomplete()
    {
        if (HasGeohashKey && OnlyCommonsState)
        {
            Autocomplete(_tokens, useGeohash: true);
        }
        return null;
    }

    private bool? NoTokensButHousenumbersAndGeohash()
    {
        if (_tokens.Count == 0 && _housenumbers.Count > 0 && HasGeohashKey)
        {
            NewBucket([GeohashKey], BucketMin);
        }
        return null;
    }

    private bool? NoAvailableTokensAbort() => _tokens.Count == 0 ? true : null;

    private bool? OnlyCommons()
    {
        if (!OnlyCommonsState)
        {
            return null;
        }
        var keys = _tokens.Select(t => t.Term).ToList();
        if (HasGeohashKey)
        {
            keys.Add(GeohashKey);
        }
        if (keys.Count == 1 || HasGeohashKey)
        {
            AddToBucket(keys);
        }
        if (BucketDry && keys.Count > 1)
        {
            _tokens = [.. _tokens.OrderBy(t => t.Frequency)];
            keys = _tokens.Select(t => t.Term).ToList();
            var first = _tokens[0];
            if (first.Frequency < IntersectLimit || _filter is not null)
            {
                // Addok intersects when the rarest token is small enough, or when a filter is more selective; the
                // manual scan below covers the remaining huge-token case. Here a filter is always applied inline.
                AddToBucket(keys);
            }
            else
            {
                foreach (var doc in SearchRunHelpers.ManualScan(_ix, keys, _filter, _wanted))
                {
                    _bucket.Add(doc);
                }
            }
        }
        return null;
    }

    private bool? NoMeaningfulButCommonTryAutocomplete()
    {
        if (_meaningful.Count == 0 && _common.Count > 0)
        {
            Autocomplete(_common);
            _meaningful.Clear();
            _meaningful.Add(_common[0]);
            if (!PassShouldMatchThreshold)
            {
                return false;
            }
            if (BucketFull || BucketOverflow || HasCream())
            {
                return true;
            }
        }
        return null;
    }

    private bool? OnlyCommonsTryAutocomplete()
    {
        if (OnlyCommonsState)
        {
            Autocomplete(_tokens, skipCommons: true);
            if (!BucketEmpty)
            {
                return true;
            }
        }
        return null;
    }

    private bool? BucketWithMeaningful()
    {
        if (_meaningful.Count == 0)
        {
            return null;
        }
        if (_meaningful.Count == 1 && _common.Count > 0 && _filter is null)
        {
            foreach (var token in _common)
            {
                if (!_meaningful.Any(m => m.Value == token.Value))
                {
                    _meaningful.Add(token);
                    break;
                }
            }
        }
        _keys = _meaningful.Select(t => t.Term).ToList();
        if (BucketEmpty)
        {
            NewBucket(_keys, BucketMin);
            if (_bucket.Count == BucketMin)
            {
                NewBucket(_keys);
            }
            if (!_autocomplete && HasCream() && Cream < BucketMin)
            {
                return true;
            }
        }
        else
        {
            AddToBucket(_keys);
        }
        return null;
    }

    private bool? ReduceWithOtherCommons()
    {
        if (OnlyCommonsState)
        {
            return null;
        }
        foreach (var token in _common)
        {
            if (!_meaningful.Any(m => m.Value == token.Value) && BucketOverflow)
            {
                _meaningful.Add(token);
                _keys = _meaningful.Select(t => t.Term).ToList();
                NewBucket(_keys);
            }
        }
        return null;
    }

    private bool? EnsureGeohashResultsAreIncludedIfCenterIsGiven()
    {
        if (BucketOverflow && HasGeohashKey)
        {
            AddToBucket([.. _keys, GeohashKey], Math.Max(_wanted, 10));
        }
        return null;
    }

    private bool? AutocompleteMeaningful()
    {
        if (BucketOverflow || !_autocomplete)
        {
            return null;
        }
        if (HasGeohashKey)
        {
            Autocomplete(_meaningful, useGeohash: true);
        }
        Autocomplete(_meaningful);
        return null;
    }

    private void Autocomplete(List<QueryToken> tokens, bool skipCommons = false, bool useGeohash = false)
    {
        if (_lastToken is null)
        {
            return;
        }
        var others = tokens.Where(t => !t.IsLast).ToList();
        var keys = others.Select(t => t.Term).ToList();
        var prefix = _lastToken.Value;
        if (prefix.Length < 3 || prefix.Length > 20)
        {
            return;
        }
        var (start, end) = _ix.PrefixRange(prefix);
        var candidates = new List<int>();
        for (var t = start; t < end; t++)
        {
            var term = _ix.Terms.Bytes(t);
            if (term.Length <= prefix.Length || IsDigits(term))
            {
                continue;
            }
            var ok = true;
            foreach (var other in others)
            {
                if (!_ix.HasPair(other.Term, t))
                {
                    ok = false;
                    break;
                }
            }
            if (ok)
            {
                candidates.Add(t);
            }
        }
        if (candidates.Count == 0)
        {
            return;
        }
        // Lua table.sort is not stable: ties are broken here by term order.
        var ordered = tokens.Count == 1
            ? candidates.OrderByDescending(t => _ix.MaxBoost[t]).ThenBy(t => t).ToList()
            : candidates.OrderByDescending(t => _ix.Frequency(t)).ThenBy(t => t).ToList();
        var lastNotFound = _notFound.Any(t => t.Value == _lastToken.Value);
        foreach (var t in ordered)
        {
            if (skipCommons && _ix.Frequency(t) > CommonThreshold)
            {
                continue;
            }
            if (!BucketOverflow || lastNotFound)
            {
                var extra = new List<int>(keys) { t };
                if (useGeohash && HasGeohashKey)
                {
                    extra.Add(GeohashKey);
                }
                AddToBucket(extra);
            }
        }
    }

    private bool? FuzzyCollector()
    {
        if (_options.Fuzzy > 0 && !HasCream())
        {
            if (_notFound.Count > 0)
            {
                TryFuzzy(_notFound);
            }
            if (BucketDry && !HasCream())
            {
                TryFuzzy(_meaningful);
            }
            if (BucketDry && !HasCream() && _common.Count > 0)
            {
                TryFuzzy(_meaningful, includeCommon: false);
            }
        }
        return null;
    }

    private void TryFuzzy(List<QueryToken> tokens, bool includeCommon = true)
    {
        if (!BucketDry || tokens.Count == 0)
        {
            return;
        }
        var sorted = tokens.OrderByDescending(t => t.Value.Length).ToList();
        tokens.Clear();
        tokens.AddRange(sorted);
        var allKeys = new List<int>(_keys);
        if (includeCommon)
        {
            allKeys.AddRange(_common.Select(t => t.Term).Where(k => !_keys.Contains(k)));
        }
        foreach (var tryOne in tokens.ToList())
        {
            if (BucketFull)
            {
                break;
            }
            var keys = new List<int>(allKeys);
            if (tryOne.Term >= 0)
            {
                keys.Remove(tryOne.Term);
            }
            if (IsDigits(tryOne.Value))
            {
                continue;
            }
            var neighbors = Fuzzy.MakeFuzzy(tryOne.Value);
            var fuzzyWords = new List<int>();
            foreach (var neighbor in neighbors)
            {
                var term = _ix.TermId(neighbor);
                if (term < 0)
                {
                    continue;
                }
                if (keys.Count > 0)
                {
                    // Only neighbours seen in the index with every other token (Addok: SINTER of their pairs).
                    if (keys.All(k => k >= 0 && _ix.HasPair(k, term)))
                    {
                        fuzzyWords.Add(term);
                    }
                }
                else
                {
                    fuzzyWords.Add(term);
                }
            }
            foreach (var term in fuzzyWords)
            {
                if (BucketDry)
                {
                    AddToBucket([.. keys, term]);
                }
            }
        }
    }

    private bool? ExtendResultsExtrapolingRelations()
    {
        if (!BucketDry)
        {
            return null;
        }
        var tokens = new List<QueryToken>();
        foreach (var t in _meaningful.Concat(_common))
        {
            if (!tokens.Any(x => x.Value == t.Value))
            {
                tokens.Add(t);
            }
        }
        // _compute_onetomany_relations
        var relations = new Dictionary<string, List<QueryToken>>(StringComparer.Ordinal);
        List<QueryToken> RelationsOf(QueryToken t)
        {
            if (!relations.TryGetValue(t.Value, out var list))
            {
                list = [];
                relations[t.Value] = list;
            }
            return list;
        }
        var order = new List<QueryToken>();
        foreach (var token in tokens)
        {
            foreach (var other in tokens)
            {
                if (other.Value == token.Value)
                {
                    continue;
                }
                var otherRelations = RelationsOf(other);
                if (!order.Contains(other))
                {
                    order.Add(other);
                }
                if (otherRelations.Any(x => x.Value == token.Value) || _ix.HasPair(token.Term, other.Term))
                {
                    RelationsOf(token).Add(other);
                }
                if (!order.Contains(token))
                {
                    order.Add(token);
                }
            }
        }
        // _extrapolate_manytomany_relations
        var m2m = new List<List<QueryToken>>();
        foreach (var origin in order)
        {
            var relation = new List<QueryToken> { origin };
            foreach (var token in RelationsOf(origin))
            {
                if (relation.All(o => RelationsOf(o).Any(x => x.Value == token.Value)))
                {
                    relation.Add(token);
                }
            }
            var kept = relation.Where(t => !t.IsCommon).DistinctBy(t => t.Value).ToList();
            if (kept.Count > 1)
            {
                m2m.Add(kept);
            }
        }
        // _deduplicate_sets
        var unique = new List<List<QueryToken>>();
        foreach (var set in m2m.OrderByDescending(s => s.Count))
        {
            if (!unique.Any(g => set.All(t => g.Any(x => x.Value == t.Value))))
            {
                unique.Add(set);
            }
        }
        foreach (var relation in unique.OrderBy(r => r.Average(t => (double)t.Frequency)))
        {
            AddToBucket(relation.Select(t => t.Term).ToList());
            if (BucketOverflow)
            {
                break;
            }
        }
        return null;
    }

    private bool? ExtendResultsReducingTokens()
    {
        if (BucketFull || HasCream())
        {
            return true;
        }
        if (!BucketDry)
        {
            return null;
        }
        if (BucketEmpty || _meaningful.Count - 1 > _shouldMatchThreshold)
        {
            var sorted = _meaningful
                .OrderByDescending(t => IsDigits(t.Value) ? 2 : 1)
                .ThenByDescending(t => t.Frequency)
                .ToList();
            _meaningful.Clear();
            _meaningful.AddRange(sorted);
            foreach (var token in _meaningful)
            {
                var keys = new List<int>(_keys);
                keys.Remove(token.Term);
                AddToBucket(keys);
                if (BucketOverflow)
                {
                    break;
                }
            }
            if (BucketEmpty && _meaningful.Count > 3)
            {
                foreach (var token in _meaningful)
                {
                    foreach (var token2 in _meaningful)
                    {
                        if (token.Value == token2.Value)
                        {
                            continue;
                        }
                        var keys = new List<int>(_keys);
                        keys.Remove(token.Term);
                        keys.Remove(token2.Term);
                        AddToBucket(keys);
                        if (BucketOverflow)
                        {
                            break;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private static bool IsDigits(ReadOnlySpan<byte> s) => s.Length > 0 && !s.ContainsAnyExceptInRange((byte)'0', (byte)'9');
}
