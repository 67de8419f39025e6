using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Crossroads.Geocoding.Data;
using Crossroads.Geocoding.Search;
using Crossroads.Geocoding.Text;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// Collects import documents, applying Addok's <c>_action</c> semantics in stream order (update replaces the
/// document with the same id, delete removes it), then builds a <see cref="GeocoderIndex"/>. Token boosts follow
/// Addok's <c>FieldsIndexer</c> (addok/helpers/index.py) with the BAN fields: name (boost 4), street, postcode (1.2
/// for municipalities), city, context, citycode, oldcitycode, oldcity, district (1), each plus importance × 0.1; a
/// value of n tokens gives each token boost/n; a token keeps its highest boost over the document's fields.
/// </summary>
public sealed class GeocoderIndexBuilder : IDisposable
{
    /// <summary>Addok's IMPORTANCE_WEIGHT.</summary>
    public const double ImportanceWeight = 0.1;

    /// <summary>Postings longer than this keep a precomputed best-first head (Addok's BUCKET_MAX).</summary>
    internal const int TopHeadSize = 100;

    private readonly TextPipeline _pipeline;
    private readonly DocumentSpill _spill;
    private readonly List<long> _slotOffsets = [];                // per slot (first occurrence of an id): latest version, -1 deleted
    private readonly List<int> _slotHousenumbers = [];
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// A builder using <paramref name="pipeline"/> (the default French pipeline when null). Documents are spilled to a
    /// temporary file in <paramref name="spillDirectory"/> (the system's temporary directory when null) as they are
    /// added, so memory holds no parsed document; dispose the builder to delete it.
    /// </summary>
    public GeocoderIndexBuilder(TextPipeline? pipeline = null, string? spillDirectory = null)
    {
        _pipeline = pipeline ?? TextPipeline.Default;
        _spill = new DocumentSpill(spillDirectory);
    }

    /// <summary>Live documents so far.</summary>
    public int Count => _slots.Count;

    /// <summary>Applies one import line.</summary>
    public void Add(AddokDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Action == DocumentAction.Delete)
        {
            if (_slots.Remove(document.Id, out var slot))
            {
                _slotOffsets[slot] = -1;
            }
            return;
        }
        var offset = _spill.Write(document);
        if (_slots.TryGetValue(document.Id, out var existing))
        {
            _slotOffsets[existing] = offset;
            _slotHousenumbers[existing] = document.Housenumbers.Count;
            return;
        }
        _slots[document.Id] = _slotOffsets.Count;
        _slotOffsets.Add(offset);
        _slotHousenumbers.Add(document.Housenumbers.Count);
    }

    /// <summary>Applies import lines in order.</summary>
    public void AddRange(IEnumerable<AddokDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var d in documents)
        {
            Add(d);
        }
    }

    /// <summary>Deletes the spill file.</summary>
    public void Dispose() => _spill.Dispose();

    /// <summary>Builds the immutable index in memory (a pinned image of the index file; up to 2 GB).</summary>
    public GeocoderIndex Build()
    {
        using var image = new MemoryStream();
        Write(image);
        return IndexFileReader.Open(PinnedIndexImage.From(image.GetBuffer().AsSpan(0, (int)image.Length)), _pipeline);
    }

    /// <summary>
    /// Writes the index file to <paramref name="path"/> (replacing it; for a live index use <see cref="IndexFiles"/>,
    /// which writes beside and renames). Returns the file's length.
    /// </summary>
    public long WriteTo(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        var length = Write(file);
        file.Flush(flushToDisk: true);
        return length;
    }

    /// <summary>Writes the index image to a seekable stream; returns its length.</summary>
    public long Write(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return BuildInto(new IndexFileWriter(output, Enum.GetValues<IndexSection>().Length));
    }

    private long BuildInto(IndexFileWriter writer)
    {
        var liveSlots = new List<int>(_slots.Count);
        long hnLong = 0;
        for (var slot = 0; slot < _slotOffsets.Count; slot++)
        {
            if (_slotOffsets[slot] >= 0)
            {
                liveSlots.Add(slot);
                hnLong += _slotHousenumbers[slot];
            }
        }
        var n = liveSlots.Count;
        string[]? ids = new string[n];
        var strings = new InternTable();
        var types = new InternTable();
        var docIds = new StringPool.Builder();
        var names = new StringPool.Builder();
        var docType = new byte[n];
        var nameStart = new int[n + 1];
        var cityStart = new int[n + 1];
        var postcodeStart = new int[n + 1];
        var citycodeStart = new int[n + 1];
        var cityRefs = new List<int>();
        var postcodeRefs = new List<int>();
        var citycodeRefs = new List<int>();
        var contextRef = new int[n];
        var latE7 = new int[n];
        var lonE7 = new int[n];
        var xCm = new int[n];
        var yCm = new int[n];
        var importance = new double[n];
        var extras = new StringPool.Builder();
        var hnStart = new int[n + 1];
        var hnTotal = checked((int)hnLong);
        var hnRaw = new int[hnTotal];
        var hnKey = new int[hnTotal];
        var hnShared = new byte[hnTotal];
        var hnSuffix = new StringPool.Builder();
        var hnLat = new int[hnTotal];
        var hnLon = new int[hnTotal];
        var hnX = new int[hnTotal];
        var hnY = new int[hnTotal];
        var keyCache = new Dictionary<string, int>(StringComparer.Ordinal);
        var nameCount = 0;

        var termIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var termList = new List<string>();
        var postTerm = new List<int>();
        var postDoc = new List<int>();
        var postBoost = new List<float>();
        List<(long Cell, int Doc)>? cells = new(hnTotal + n);
        var tokenCache = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var docTokens = new Dictionary<string, double>(StringComparer.Ordinal);

        var h = 0;
        for (var d = 0; d < n; d++)
        {
            var doc = _spill.Read(_slotOffsets[liveSlots[d]]);
            ids[d] = doc.Id;
            docIds.Add(doc.Id);
            docType[d] = checked((byte)types.Intern(doc.Type));
            nameStart[d] = nameCount;
            foreach (var name in doc.Names)
            {
                names.Add(name);
                nameCount++;
            }
            cityStart[d] = cityRefs.Count;
            cityRefs.AddRange(doc.Cities.Select(strings.Intern));
            postcodeStart[d] = postcodeRefs.Count;
            postcodeRefs.AddRange(doc.Postcodes.Select(strings.Intern));
            citycodeStart[d] = citycodeRefs.Count;
            citycodeRefs.AddRange(doc.Citycodes.Select(strings.Intern));
            contextRef[d] = doc.Contexts.Count > 0 ? strings.Intern(doc.Contexts[0]) : -1;
            latE7[d] = ToE7(doc.Lat);
            lonE7[d] = ToE7(doc.Lon);
            xCm[d] = ToCm(doc.X);
            yCm[d] = ToCm(doc.Y);
            importance[d] = doc.Importance;
            var sb = new StringBuilder();
            foreach (var (key, raw) in doc.Extras)
            {
                sb.Append(key).Append('\u0001').Append(raw).Append('\u0002');
            }
            extras.Add(sb.ToString());

            hnStart[d] = h;
            foreach (var hn in doc.Housenumbers)
            {
                hnRaw[h] = strings.Intern(hn.Raw);
                if (!keyCache.TryGetValue(hn.Raw, out var key))
                {
                    key = strings.Intern(_pipeline.HousenumberKey(hn.Raw));
                    keyCache[hn.Raw] = key;
                }
                hnKey[h] = key;
                if (hn.Id.Length > doc.Id.Length && hn.Id.StartsWith(doc.Id, StringComparison.Ordinal))
                {
                    hnShared[h] = 1;
                    hnSuffix.Add(hn.Id[doc.Id.Length..]);
                }
                else
                {
                    hnSuffix.Add(hn.Id);
                }
                hnLat[h] = ToE7(hn.Lat);
                hnLon[h] = ToE7(hn.Lon);
                hnX[h] = ToCm(hn.X);
                hnY[h] = ToCm(hn.Y);
                cells.Add((GeoMath.GeohashCell(hn.Lat, hn.Lon), d));
                h++;
            }
            cells.Add((GeoMath.GeohashCell(doc.Lat, doc.Lon), d));

            // FieldsIndexer: a document without name is stored but not indexed (Addok: "name must not be null").
            if (doc.Names.Count == 0)
            {
                continue;
            }
            docTokens.Clear();
            var imp = doc.Importance * ImportanceWeight;
            var isMunicipality = doc.Type == "municipality";
            AddField(docTokens, tokenCache, doc.Names, 4 + imp);
            AddField(docTokens, tokenCache, doc.Streets, 1 + imp);
            AddField(docTokens, tokenCache, doc.Postcodes, (isMunicipality ? 1.2 : 1) + imp);
            AddField(docTokens, tokenCache, doc.Cities, 1 + imp);
            AddField(docTokens, tokenCache, doc.Contexts, 1 + imp);
            AddField(docTokens, tokenCache, doc.Citycodes, 1 + imp);
            AddField(docTokens, tokenCache, doc.OtherIndexed, 1 + imp);
            foreach (var (token, boost) in docTokens)
            {
                if (!termIds.TryGetValue(token, out var t))
                {
                    t = termList.Count;
                    termIds[token] = t;
                    termList.Add(token);
                }
                postTerm.Add(t);
                postDoc.Add(d);
                postBoost.Add((float)boost);
            }
        }
        nameStart[n] = nameCount;
        cityStart[n] = cityRefs.Count;
        postcodeStart[n] = postcodeRefs.Count;
        citycodeStart[n] = citycodeRefs.Count;
        hnStart[n] = h;

        // Documents and housenumbers are written first so their columns can be collected before the postings work.
        var idOrder = Enumerable.Range(0, n).ToArray();
        Array.Sort(idOrder, (a, b) => string.CompareOrdinal(ids[a], ids[b]));
        ids = null;
        WritePool(writer, IndexSection.DocIdBytes, IndexSection.DocIdOffsets, docIds);
        writer.Add<int>(IndexSection.DocIdOrder, idOrder);
        writer.Add<byte>(IndexSection.DocType, docType);
        WritePool(writer, IndexSection.TypeBytes, IndexSection.TypeOffsets, types.Values);
        writer.Add<int>(IndexSection.NameStart, nameStart);
        WritePool(writer, IndexSection.NameBytes, IndexSection.NameOffsets, names);
        writer.Add<int>(IndexSection.CityStart, cityStart);
        writer.Add<int>(IndexSection.CityRefs, CollectionsMarshal.AsSpan(cityRefs));
        writer.Add<int>(IndexSection.PostcodeStart, postcodeStart);
        writer.Add<int>(IndexSection.PostcodeRefs, CollectionsMarshal.AsSpan(postcodeRefs));
        writer.Add<int>(IndexSection.CitycodeStart, citycodeStart);
        writer.Add<int>(IndexSection.CitycodeRefs, CollectionsMarshal.AsSpan(citycodeRefs));
        writer.Add<int>(IndexSection.ContextRef, contextRef);
        WritePool(writer, IndexSection.StringBytes, IndexSection.StringOffsets, strings.Values);
        writer.Add<int>(IndexSection.LatE7, latE7);
        writer.Add<int>(IndexSection.LonE7, lonE7);
        writer.Add<int>(IndexSection.XCm, xCm);
        writer.Add<int>(IndexSection.YCm, yCm);
        writer.Add<double>(IndexSection.Importance, importance);
        WritePool(writer, IndexSection.ExtrasBytes, IndexSection.ExtrasOffsets, extras);
        writer.Add<int>(IndexSection.HnStart, hnStart);
        writer.Add<int>(IndexSection.HnRaw, hnRaw);
        writer.Add<int>(IndexSection.HnKey, hnKey);
        WritePool(writer, IndexSection.HnIdSuffixBytes, IndexSection.HnIdSuffixOffsets, hnSuffix);
        writer.Add<byte>(IndexSection.HnIdShared, hnShared);
        writer.Add<int>(IndexSection.HnLatE7, hnLat);
        writer.Add<int>(IndexSection.HnLonE7, hnLon);
        writer.Add<int>(IndexSection.HnXCm, hnX);
        writer.Add<int>(IndexSection.HnYCm, hnY);
        var grid = ReverseGrid.Build(latE7, lonE7, hnLat, hnLon);
        writer.Add<long>(IndexSection.GridCellKeys, grid.CellKeys);
        writer.Add<int>(IndexSection.GridCellStart, grid.CellStart);
        writer.Add<int>(IndexSection.GridPoints, grid.Points);
        grid = default;

        cells.Sort();
        var cellKey = new List<long>(cells.Count);
        var cellDoc = new List<int>(cells.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0 && cells[i] == cells[i - 1])
            {
                continue;
            }
            cellKey.Add(cells[i].Cell);
            cellDoc.Add(cells[i].Doc);
        }
        cells = null;
        writer.Add<long>(IndexSection.CellKey, CollectionsMarshal.AsSpan(cellKey));
        writer.Add<int>(IndexSection.CellDoc, CollectionsMarshal.AsSpan(cellDoc));
        cellKey = null;
        cellDoc = null;

        // Terms sorted ordinally; remap the build-time ids.
        var sortedTerms = termList.ToArray();
        Array.Sort(sortedTerms, StringComparer.Ordinal);
        var remap = new int[termList.Count];
        for (var i = 0; i < sortedTerms.Length; i++)
        {
            remap[termIds[sortedTerms[i]]] = i;
        }
        var postingCount = postTerm.Count;
        var postingStart = new int[sortedTerms.Length + 1];
        foreach (var t in postTerm)
        {
            postingStart[remap[t] + 1]++;
        }
        for (var i = 0; i < sortedTerms.Length; i++)
        {
            postingStart[i + 1] += postingStart[i];
        }
        var fill = (int[])postingStart.Clone();
        var postingDoc = new int[postingCount];
        var postingBoost = new float[postingCount];
        for (var i = 0; i < postingCount; i++)
        {
            // Documents are visited in ascending order, so each list is already sorted by document.
            var slot = fill[remap[postTerm[i]]]++;
            postingDoc[slot] = postDoc[i];
            postingBoost[slot] = postBoost[i];
        }
        var maxBoost = new float[sortedTerms.Length];
        var topStart = new int[sortedTerms.Length + 1];
        var topDoc = new List<int>();
        for (var t = 0; t < sortedTerms.Length; t++)
        {
            var start = postingStart[t];
            var end = postingStart[t + 1];
            var max = 0f;
            for (var i = start; i < end; i++)
            {
                max = Math.Max(max, postingBoost[i]);
            }
            maxBoost[t] = max;
            topStart[t] = topDoc.Count;
            if (end - start > TopHeadSize)
            {
                topDoc.AddRange(SearchRunHelpers.BestByBoost(postingDoc, postingBoost, start, end, TopHeadSize));
            }
        }
        topStart[sortedTerms.Length] = topDoc.Count;

        // Pairs (Addok's p|token sets): for each term, the distinct terms of the documents in its postings, found
        // through a forward index (document → terms) and a marker array, so the build never holds all (a, b) pairs.
        var docTermStart = new int[n + 1];
        foreach (var d in postingDoc)
        {
            docTermStart[d + 1]++;
        }
        for (var d = 0; d < n; d++)
        {
            docTermStart[d + 1] += docTermStart[d];
        }
        var docTerms = new int[postingCount];
        var docFill = (int[])docTermStart.Clone();
        for (var t = 0; t < sortedTerms.Length; t++)
        {
            for (var i = postingStart[t]; i < postingStart[t + 1]; i++)
            {
                docTerms[docFill[postingDoc[i]]++] = t;
            }
        }
        var marker = new int[sortedTerms.Length];
        Array.Fill(marker, -1);
        var pairStart = new int[sortedTerms.Length + 1];
        var pairTerm = new List<int>();
        var related = new List<int>();
        for (var t = 0; t < sortedTerms.Length; t++)
        {
            pairStart[t] = pairTerm.Count;
            related.Clear();
            for (var i = postingStart[t]; i < postingStart[t + 1]; i++)
            {
                var d = postingDoc[i];
                for (var j = docTermStart[d]; j < docTermStart[d + 1]; j++)
                {
                    var u = docTerms[j];
                    if (u != t && marker[u] != t)
                    {
                        marker[u] = t;
                        related.Add(u);
                    }
                }
            }
            related.Sort();
            pairTerm.AddRange(related);
        }
        pairStart[sortedTerms.Length] = pairTerm.Count;

        WritePool(writer, IndexSection.TermBytes, IndexSection.TermOffsets, sortedTerms);
        writer.Add<int>(IndexSection.PostingStart, postingStart);
        writer.Add<int>(IndexSection.PostingDoc, postingDoc);
        writer.Add<float>(IndexSection.PostingBoost, postingBoost);
        writer.Add<float>(IndexSection.MaxBoost, maxBoost);
        writer.Add<int>(IndexSection.TopStart, topStart);
        writer.Add<int>(IndexSection.TopDoc, CollectionsMarshal.AsSpan(topDoc));
        writer.Add<int>(IndexSection.PairStart, pairStart);
        writer.Add<int>(IndexSection.PairTerm, CollectionsMarshal.AsSpan(pairTerm));
        return writer.Complete();
    }

    private static void WritePool(IndexFileWriter writer, IndexSection bytes, IndexSection offsets, IEnumerable<string> values)
    {
        var pool = new StringPool.Builder();
        foreach (var v in values)
        {
            pool.Add(v);
        }
        WritePool(writer, bytes, offsets, pool);
    }

    private static void WritePool(IndexFileWriter writer, IndexSection bytes, IndexSection offsets, StringPool.Builder pool)
    {
        writer.Add(bytes, pool.Bytes);
        writer.Add(offsets, pool.Offsets);
    }

    private void AddField(
        Dictionary<string, double> tokens, Dictionary<string, List<string>> cache, IReadOnlyList<string> values, double boost)
    {
        foreach (var value in values)
        {
            if (!cache.TryGetValue(value, out var els))
            {
                els = _pipeline.ProcessToStrings(value);
                if (cache.Count < 1_000_000)
                {
                    cache[value] = els;
                }
            }
            if (els.Count == 0)
            {
                continue;
            }
            var b = 1.0 / els.Count * boost;
            foreach (var token in els)
            {
                if (token.Length == 0)
                {
                    continue;
                }
                if (!tokens.TryGetValue(token, out var existing) || existing < b)
                {
                    tokens[token] = b;
                }
            }
        }
    }

    internal static int ToE7(double degrees) => (int)Math.Round(degrees * 1e7);

    internal static int ToCm(double? metres) =>
        metres is { } m ? (int)Math.Clamp(Math.Round(m * 100), int.MinValue + 1, int.MaxValue) : int.MinValue;

    internal static string FormatE7(int value) => (value / 1e7).ToString("R", CultureInfo.InvariantCulture);
}
