using Crossroads.Geocoding.Data;
using Crossroads.Geocoding.Search;
using Crossroads.Geocoding.Text;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// The immutable in-memory geocoding index: documents (municipalities, streets, localities) as columns, their
/// housenumbers as contiguous ranges of columns, a sorted term dictionary with postings (Addok's <c>w|token</c>
/// sorted sets), co-occurrence pairs (<c>p|token</c>), precision-7 geohash cell lists (<c>g|hash</c>) and a grid
/// for reverse geocoding. Every structure is a handful of flat arrays (see README "Index layout"). Thread-safe for
/// concurrent searches; build a new index to change data.
/// </summary>
public sealed partial class GeocoderIndex
{
    // ----- documents (ordinal d in 0..DocumentCount) -----
    internal StringPool DocIds { get; init; } = null!;
    internal int[] DocIdOrder { get; init; } = null!;               // document ordinals sorted by id
    internal byte[] DocType { get; init; } = null!;                // index into Types
    internal string[] Types { get; init; } = null!;
    internal int[] NameStart { get; init; } = null!;               // CSR into NamePool (first = displayed)
    internal StringPool NamePool { get; init; } = null!;
    internal int[] CityStart { get; init; } = null!;               // CSR into CityRefs (intern ids)
    internal int[] CityRefs { get; init; } = null!;
    internal int[] PostcodeStart { get; init; } = null!;
    internal int[] PostcodeRefs { get; init; } = null!;
    internal int[] CitycodeStart { get; init; } = null!;
    internal int[] CitycodeRefs { get; init; } = null!;
    internal int[] ContextRef { get; init; } = null!;              // -1 when none
    internal string[] Strings { get; init; } = null!;              // intern table shared by the columns above
    internal int[] LatE7 { get; init; } = null!;
    internal int[] LonE7 { get; init; } = null!;
    internal int[] XCm { get; init; } = null!;                     // int.MinValue when none
    internal int[] YCm { get; init; } = null!;
    internal double[] Importance { get; init; } = null!;
    internal string[]? ExtrasJson { get; init; } = null!;           // per document: "key\u0001raw\u0002..." or null

    // ----- housenumbers (ordinal h), doc d owns [HnStart[d], HnStart[d+1]) -----
    internal int[] HnStart { get; init; } = null!;
    internal int[] HnRaw { get; init; } = null!;                   // intern id of "96bis"
    internal int[] HnKey { get; init; } = null!;                   // intern id of the processed key "96b"
    internal StringPool HnIdSuffix { get; init; } = null!;          // id minus the street id prefix when shared
    internal byte[] HnIdShared { get; init; } = null!;              // 1 when the id is street id + suffix
    internal int[] HnLatE7 { get; init; } = null!;
    internal int[] HnLonE7 { get; init; } = null!;
    internal int[] HnXCm { get; init; } = null!;
    internal int[] HnYCm { get; init; } = null!;

    // ----- terms (ordinal t), sorted ordinally -----
    internal string[] Terms { get; init; } = null!;
    internal int[] PostingStart { get; init; } = null!;            // CSR into PostingDoc/PostingBoost, by doc ascending
    internal int[] PostingDoc { get; init; } = null!;
    internal float[] PostingBoost { get; init; } = null!;
    internal float[] MaxBoost { get; init; } = null!;
    internal int[] TopStart { get; init; } = null!;                // CSR into TopDoc: best docs by boost for long lists
    internal int[] TopDoc { get; init; } = null!;
    internal int[] PairStart { get; init; } = null!;               // CSR into PairTerm (sorted)
    internal int[] PairTerm { get; init; } = null!;

    // ----- geohash cells (Addok's g|hash sets): sorted (cell, doc) -----
    internal long[] CellKey { get; init; } = null!;
    internal int[] CellDoc { get; init; } = null!;

    // ----- reverse grid -----
    internal ReverseGrid Grid { get; init; } = null!;

    internal TextPipeline Pipeline { get; init; } = null!;

    /// <summary>Documents (municipalities, streets, localities).</summary>
    public int DocumentCount => NameStart.Length - 1;

    /// <summary>Housenumbers.</summary>
    public int HousenumberCount => HnRaw.Length;

    /// <summary>Distinct index terms.</summary>
    public int TermCount => Terms.Length;

    /// <summary>Token → document postings.</summary>
    public int PostingCount => PostingDoc.Length;

    /// <summary>Builds an index from a file in Addok's import format (.ndjson or .ndjson.gz), applying its actions.</summary>
    public static GeocoderIndex LoadFile(string path, TextPipeline? pipeline = null)
    {
        var builder = new GeocoderIndexBuilder(pipeline);
        builder.AddRange(AddokNdjsonReader.ReadFile(path));
        return builder.Build();
    }

    /// <summary>Builds an index from a stream in Addok's import format (gzip detected).</summary>
    public static GeocoderIndex Load(Stream stream, TextPipeline? pipeline = null)
    {
        var builder = new GeocoderIndexBuilder(pipeline);
        builder.AddRange(AddokNdjsonReader.Read(stream));
        return builder.Build();
    }

    /// <summary>Approximate memory of the index's arrays, in bytes (strings in intern tables counted as .NET strings).</summary>
    public long EstimatedMemoryBytes() => MemoryBreakdown().Values.Sum();

    /// <summary>Approximate memory per part of the index, in bytes (see README "Index layout").</summary>
    public IReadOnlyDictionary<string, long> MemoryBreakdown()
    {
        long extras = 0;
        if (ExtrasJson is not null)
        {
            extras = ExtrasJson.LongLength * 8;
            foreach (var e in ExtrasJson)
            {
                extras += e is null ? 0 : 24 + (e.Length * 2);
            }
        }
        return new Dictionary<string, long>
        {
            ["documents"] = DocIds.MemoryBytes + NamePool.MemoryBytes + DocType.LongLength + extras + (4L * DocIdOrder.LongLength)
                + (4L * (NameStart.LongLength + CityStart.LongLength + CityRefs.LongLength + PostcodeStart.LongLength
                    + PostcodeRefs.LongLength + CitycodeStart.LongLength + CitycodeRefs.LongLength + ContextRef.LongLength
                    + LatE7.LongLength + LonE7.LongLength + XCm.LongLength + YCm.LongLength))
                + (8L * Importance.LongLength) + InternTable.MemoryBytes(Types),
            ["strings"] = InternTable.MemoryBytes(Strings),
            ["housenumbers"] = HnIdSuffix.MemoryBytes + HnIdShared.LongLength
                + (4L * (HnStart.LongLength + HnRaw.LongLength + HnKey.LongLength + HnLatE7.LongLength
                    + HnLonE7.LongLength + HnXCm.LongLength + HnYCm.LongLength)),
            ["terms"] = InternTable.MemoryBytes(Terms) + (4L * (MaxBoost.LongLength + TopStart.LongLength + TopDoc.LongLength)),
            ["postings"] = 4L * (PostingStart.LongLength + PostingDoc.LongLength + PostingBoost.LongLength),
            ["pairs"] = 4L * (PairStart.LongLength + PairTerm.LongLength),
            ["geohash cells"] = (CellKey.LongLength * 8) + (CellDoc.LongLength * 4),
            ["reverse grid"] = Grid.MemoryBytes,
        };
    }

    /// <summary>Searches, as Addok's <c>/search</c> with the BAN configuration.</summary>
    public IReadOnlyList<GeocodeResult> Search(string query, SearchOptions? options = null) =>
        new SearchRun(this, options ?? SearchOptions.Default).Run(query);

    /// <summary>Reverse geocoding: the nearest documents (with their nearest housenumber) to a point.</summary>
    public IReadOnlyList<GeocodeResult> Reverse(double lat, double lon, ReverseOptions? options = null) =>
        ReverseRun.Run(this, lat, lon, options ?? ReverseOptions.Default);

    // ----- accessors shared by search and reverse -----

    internal int TermId(string term)
    {
        var i = Array.BinarySearch(Terms, term, StringComparer.Ordinal);
        return i >= 0 ? i : -1;
    }

    internal int Frequency(int term) => term < 0 ? 0 : PostingStart[term + 1] - PostingStart[term];

    internal (int Start, int End) PrefixRange(string prefix)
    {
        var lo = LowerBound(prefix);
        var hi = lo;
        while (hi < Terms.Length && Terms[hi].StartsWith(prefix, StringComparison.Ordinal))
        {
            hi++;
        }
        return (lo, hi);
    }

    private int LowerBound(string value)
    {
        int lo = 0, hi = Terms.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(Terms[mid], value) < 0)
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

    internal bool HasPair(int term, int other)
    {
        if (term < 0 || other < 0)
        {
            return false;
        }
        return Array.BinarySearch(PairTerm, PairStart[term], PairStart[term + 1] - PairStart[term], other) >= 0;
    }

    internal string TypeOf(int doc) => Types[DocType[doc]];

    internal string FirstName(int doc) => NameStart[doc] < NameStart[doc + 1] ? NamePool[NameStart[doc]] : "";

    internal string? First(int[] start, int[] refs, int doc) => start[doc] < start[doc + 1] ? Strings[refs[start[doc]]] : null;

    internal bool HasHousenumbers(int doc) => HnStart[doc + 1] > HnStart[doc];

    internal string HousenumberId(int doc, int hn) =>
        HnIdShared[hn] == 1 ? DocIds[doc] + HnIdSuffix[hn] : HnIdSuffix[hn];

    internal int FindDoc(string id)
    {
        int lo = 0, hi = DocIdOrder.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(DocIds[DocIdOrder[mid]], id);
            if (c == 0)
            {
                return DocIdOrder[mid];
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /// <summary>
    /// One document or housenumber by id (Addok's <c>/get/{id}</c>), rendered like a search answer without score;
    /// null when unknown. Housenumbers are found when their id extends their street's id (the BAN's ids do).
    /// </summary>
    public GeocodeResult? Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var doc = FindDoc(id);
        if (doc >= 0)
        {
            return Candidate.Render(this, doc, -1);
        }
        for (var cut = id.LastIndexOf('_'); cut > 0; cut = id.LastIndexOf('_', cut - 1))
        {
            doc = FindDoc(id[..cut]);
            if (doc < 0)
            {
                continue;
            }
            for (var h = HnStart[doc]; h < HnStart[doc + 1]; h++)
            {
                if (HousenumberId(doc, h) == id)
                {
                    return Candidate.Render(this, doc, h);
                }
            }
        }
        return null;
    }
}
