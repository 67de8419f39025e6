using System.Text;
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
    // The image (mapped file or pinned array) every column below points into: see IndexImage for its lifetime.
    internal IndexImage Image { get; init; } = null!;

    // ----- documents (ordinal d in 0..DocumentCount) -----
    internal StringPool DocIds { get; init; }
    internal Column<int> DocIdOrder { get; init; }                 // document ordinals sorted by id
    internal Column<byte> DocType { get; init; }                   // index into Types
    internal string[] Types { get; init; } = null!;                // decoded at open (a handful)
    internal Column<int> NameStart { get; init; }                  // CSR into NamePool (first = displayed)
    internal StringPool NamePool { get; init; }
    internal Column<int> CityStart { get; init; }                  // CSR into CityRefs (intern ids)
    internal Column<int> CityRefs { get; init; }
    internal Column<int> PostcodeStart { get; init; }
    internal Column<int> PostcodeRefs { get; init; }
    internal Column<int> CitycodeStart { get; init; }
    internal Column<int> CitycodeRefs { get; init; }
    internal Column<int> ContextRef { get; init; }                 // -1 when none
    internal string[] Strings { get; init; } = null!;              // intern table, decoded at open (filters look values up)
    internal Column<int> LatE7 { get; init; }
    internal Column<int> LonE7 { get; init; }
    internal Column<int> XCm { get; init; }                        // int.MinValue when none
    internal Column<int> YCm { get; init; }
    internal Column<double> Importance { get; init; }
    internal StringPool Extras { get; init; }                      // per document: "key\u0001raw\u0002..." or "" for none

    // ----- housenumbers (ordinal h), doc d owns [HnStart[d], HnStart[d+1]) -----
    internal Column<int> HnStart { get; init; }
    internal Column<int> HnRaw { get; init; }                      // intern id of "96bis"
    internal Column<int> HnKey { get; init; }                      // intern id of the processed key "96b"
    internal StringPool HnIdSuffix { get; init; }                  // id minus the street id prefix when shared
    internal Column<byte> HnIdShared { get; init; }                // 1 when the id is street id + suffix
    internal Column<int> HnLatE7 { get; init; }
    internal Column<int> HnLonE7 { get; init; }
    internal Column<int> HnXCm { get; init; }
    internal Column<int> HnYCm { get; init; }

    // ----- terms (ordinal t), sorted by their (ASCII) bytes -----
    internal StringPool Terms { get; init; }
    internal Column<int> PostingStart { get; init; }               // CSR into PostingDoc/PostingBoost, by doc ascending
    internal Column<int> PostingDoc { get; init; }
    internal Column<float> PostingBoost { get; init; }
    internal Column<float> MaxBoost { get; init; }
    internal Column<int> TopStart { get; init; }                   // CSR into TopDoc: best docs by boost for long lists
    internal Column<int> TopDoc { get; init; }
    internal Column<int> PairStart { get; init; }                  // CSR into PairTerm (sorted)
    internal Column<int> PairTerm { get; init; }

    // ----- geohash cells (Addok's g|hash sets): sorted (cell, doc) -----
    internal Column<long> CellKey { get; init; }
    internal Column<int> CellDoc { get; init; }

    // ----- reverse grid -----
    internal ReverseGrid Grid { get; init; } = null!;

    internal TextPipeline Pipeline { get; init; } = null!;

    /// <summary>Documents (municipalities, streets, localities).</summary>
    public int DocumentCount => NameStart.Length - 1;

    /// <summary>Housenumbers.</summary>
    public int HousenumberCount => HnRaw.Length;

    /// <summary>Distinct index terms.</summary>
    public int TermCount => Terms.Count;

    /// <summary>Size of the index image in bytes (the index file's length).</summary>
    public long ImageBytes => Image.Length;

    /// <summary>Token → document postings.</summary>
    public int PostingCount => PostingDoc.Length;

    /// <summary>Builds an index from a file in Addok's import format (.ndjson or .ndjson.gz), applying its actions.</summary>
    public static GeocoderIndex LoadFile(string path, TextPipeline? pipeline = null)
    {
        using var builder = new GeocoderIndexBuilder(pipeline);
        builder.AddRange(AddokNdjsonReader.ReadFile(path));
        return builder.Build();
    }

    /// <summary>Builds an index from a stream in Addok's import format (gzip detected).</summary>
    public static GeocoderIndex Load(Stream stream, TextPipeline? pipeline = null)
    {
        using var builder = new GeocoderIndexBuilder(pipeline);
        builder.AddRange(AddokNdjsonReader.Read(stream));
        return builder.Build();
    }

    /// <summary>
    /// Opens an index file written by <see cref="GeocoderIndexBuilder.WriteTo(string)"/> by memory-mapping it: nothing
    /// is read but the header and the small string tables; pages load on first use. The file may be replaced (renamed
    /// over) while open; this index keeps reading the old one. <paramref name="pipeline"/> must be the one the file
    /// was built with (the default French pipeline when null).
    /// </summary>
    public static GeocoderIndex Open(string path, TextPipeline? pipeline = null) =>
        IndexFileReader.Open(MappedIndexImage.Open(path), pipeline);

    /// <summary>Hashes every byte of an index file and compares with the hash in its header (reads the whole file).</summary>
    public static bool VerifyFile(string path)
    {
        using var image = MappedIndexImage.Open(path);
        return IndexFileReader.VerifyPayload(image);
    }

    /// <summary>Approximate memory of the index's arrays, in bytes (strings in intern tables counted as .NET strings).</summary>
    public long EstimatedMemoryBytes() => MemoryBreakdown().Values.Sum();

    /// <summary>Size per part of the index, in bytes (see README "Index layout"; intern strings counted as .NET strings).</summary>
    public IReadOnlyDictionary<string, long> MemoryBreakdown()
    {
        return new Dictionary<string, long>
        {
            ["documents"] = DocIds.MemoryBytes + NamePool.MemoryBytes + DocType.LongLength + Extras.MemoryBytes + (4L * DocIdOrder.LongLength)
                + (4L * (NameStart.LongLength + CityStart.LongLength + CityRefs.LongLength + PostcodeStart.LongLength
                    + PostcodeRefs.LongLength + CitycodeStart.LongLength + CitycodeRefs.LongLength + ContextRef.LongLength
                    + LatE7.LongLength + LonE7.LongLength + XCm.LongLength + YCm.LongLength))
                + (8L * Importance.LongLength) + InternTable.MemoryBytes(Types),
            ["strings"] = InternTable.MemoryBytes(Strings),
            ["housenumbers"] = HnIdSuffix.MemoryBytes + HnIdShared.LongLength
                + (4L * (HnStart.LongLength + HnRaw.LongLength + HnKey.LongLength + HnLatE7.LongLength
                    + HnLonE7.LongLength + HnXCm.LongLength + HnYCm.LongLength)),
            ["terms"] = Terms.MemoryBytes + (4L * (MaxBoost.LongLength + TopStart.LongLength + TopDoc.LongLength)),
            ["postings"] = 4L * (PostingStart.LongLength + PostingDoc.LongLength + PostingBoost.LongLength),
            ["pairs"] = 4L * (PairStart.LongLength + PairTerm.LongLength),
            ["geohash cells"] = (CellKey.LongLength * 8) + (CellDoc.LongLength * 4),
            ["reverse grid"] = Grid.MemoryBytes,
        };
    }

    /// <summary>Searches, as Addok's <c>/search</c> with the BAN configuration.</summary>
    public IReadOnlyList<GeocodeResult> Search(string query, SearchOptions? options = null)
    {
        var results = new SearchRun(this, options ?? SearchOptions.Default).Run(query);
        // The columns are raw pointers into Image: keep this index (and so the mapping) alive until the run is over.
        GC.KeepAlive(this);
        return results;
    }

    /// <summary>Reverse geocoding: the nearest documents (with their nearest housenumber) to a point.</summary>
    public IReadOnlyList<GeocodeResult> Reverse(double lat, double lon, ReverseOptions? options = null)
    {
        var results = ReverseRun.Run(this, lat, lon, options ?? ReverseOptions.Default);
        GC.KeepAlive(this);
        return results;
    }

    // ----- accessors shared by search and reverse -----

    internal int TermId(string term)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Utf8(term, buffer);
        var i = LowerBound(bytes);
        return i < Terms.Count && Terms.Bytes(i).SequenceEqual(bytes) ? i : -1;
    }

    internal int Frequency(int term) => term < 0 ? 0 : PostingStart[term + 1] - PostingStart[term];

    internal (int Start, int End) PrefixRange(string prefix)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Utf8(prefix, buffer);
        var lo = LowerBound(bytes);
        var hi = lo;
        while (hi < Terms.Count && Terms.Bytes(hi).StartsWith(bytes))
        {
            hi++;
        }
        return (lo, hi);
    }

    // Terms are ASCII (the pipeline folds to ASCII), so byte order is the ordinal string order they were sorted by.
    private static ReadOnlySpan<byte> Utf8(string value, Span<byte> buffer) =>
        Encoding.UTF8.GetMaxByteCount(value.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(value, buffer)]
            : Encoding.UTF8.GetBytes(value);

    private int LowerBound(ReadOnlySpan<byte> value)
    {
        int lo = 0, hi = Terms.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Terms.Bytes(mid).SequenceCompareTo(value) < 0)
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
        return PairTerm.Slice(PairStart[term], PairStart[term + 1] - PairStart[term]).BinarySearch(other) >= 0;
    }

    internal string TypeOf(int doc) => Types[DocType[doc]];

    internal string FirstName(int doc) => NameStart[doc] < NameStart[doc + 1] ? NamePool[NameStart[doc]] : "";

    private string?[]? _foldedStrings;

    /// <summary>
    /// The folded form (<see cref="Text.TextPipeline.Ascii"/>) of intern string <paramref name="id"/>, folded on first
    /// use and kept: every candidate's labels fold its city, postcode and housenumber, which are interned and repeat
    /// across candidates and searches. A race folds a string twice, to the same value.
    /// </summary>
    internal string FoldedString(int id)
    {
        var folded = _foldedStrings;
        if (folded is null)
        {
            Interlocked.CompareExchange(ref _foldedStrings, new string?[Strings.Length], null);
            folded = _foldedStrings;
        }
        return folded[id] ??= Text.TextPipeline.Ascii(Strings[id]);
    }

    internal string? First(Column<int> start, Column<int> refs, int doc) => start[doc] < start[doc + 1] ? Strings[refs[start[doc]]] : null;

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
        var result = GetCore(id);
        GC.KeepAlive(this);
        return result;
    }

    private GeocodeResult? GetCore(string id)
    {
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
