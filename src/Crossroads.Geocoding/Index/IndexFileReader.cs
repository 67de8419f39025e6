using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Crossroads.Geocoding.Text;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// Opens an index image: checks the magic, version, length and header hash, then points the index's columns into
/// the image (no copy; only the small type and intern-string tables are decoded). <see cref="VerifyPayload"/> hashes
/// every byte, which reads the whole file: done after an import, not at each start.
/// </summary>
internal sealed unsafe class IndexFileReader
{
    private readonly IndexImage _image;
    private readonly Dictionary<IndexSection, IndexFileFormat.Entry> _entries = [];
    private readonly int _sectionCount;
    private readonly ulong _payloadHash;

    private IndexFileReader(IndexImage image)
    {
        _image = image;
        var fixedHeader = image.Bytes(0, IndexFileFormat.FixedHeaderBytes);
        if (!fixedHeader[..8].SequenceEqual(IndexFileFormat.Magic))
        {
            throw new InvalidDataException("not a Crossroads geocoder index file (bad magic)");
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(fixedHeader[8..]);
        if (version != IndexFileFormat.Version)
        {
            throw new InvalidDataException($"index file format version {version}, this build reads {IndexFileFormat.Version}");
        }
        _sectionCount = BinaryPrimitives.ReadInt32LittleEndian(fixedHeader[12..]);
        var length = BinaryPrimitives.ReadInt64LittleEndian(fixedHeader[16..]);
        if (length != image.Length)
        {
            throw new InvalidDataException($"index file is {image.Length} bytes, its header says {length} (truncated or still being written)");
        }
        if (_sectionCount is < 0 or > 1024)
        {
            throw new InvalidDataException($"index file: bad section count {_sectionCount}");
        }
        var header = image.Bytes(0, IndexFileFormat.HeaderBytes(_sectionCount));
        if (BinaryPrimitives.ReadUInt64LittleEndian(header[32..]) != IndexFileWriter.HeaderHash(header, _sectionCount))
        {
            throw new InvalidDataException("index file: header checksum mismatch");
        }
        _payloadHash = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        for (var i = 0; i < _sectionCount; i++)
        {
            var entry = IndexFileFormat.Entry.Read(header.Slice(IndexFileFormat.FixedHeaderBytes + (i * IndexFileFormat.SectionEntryBytes)));
            if (entry.Count < 0 || entry.Count > int.MaxValue || entry.Offset % IndexFileFormat.Alignment != 0
                || entry.Offset < header.Length || entry.Offset + (entry.Count * entry.ElementSize) > length)
            {
                throw new InvalidDataException($"index file: section {entry.Id} lies outside the file");
            }
            _entries[entry.Id] = entry;
        }
    }

    /// <summary>Opens <paramref name="image"/> as an index (the index owns the image from then on).</summary>
    public static GeocoderIndex Open(IndexImage image, TextPipeline? pipeline)
    {
        try
        {
            return new IndexFileReader(image).Read(pipeline ?? TextPipeline.Default);
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>Hashes the payload and compares it with the header's hash.</summary>
    public static bool VerifyPayload(IndexImage image)
    {
        var reader = new IndexFileReader(image);
        var start = (long)IndexFileFormat.HeaderBytes(reader._sectionCount);
        var hash = new XxHash3();
        for (var offset = start; offset < image.Length;)
        {
            var chunk = (int)Math.Min(1 << 30, image.Length - offset);
            hash.Append(image.Bytes(offset, chunk));
            offset += chunk;
        }
        return hash.GetCurrentHashAsUInt64() == reader._payloadHash;
    }

    private Column<T> Get<T>(IndexSection id)
        where T : unmanaged
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            throw new InvalidDataException($"index file: section {id} is missing");
        }
        if (entry.ElementSize != Marshal.SizeOf<T>())
        {
            throw new InvalidDataException($"index file: section {id} has {entry.ElementSize}-byte elements, expected {Marshal.SizeOf<T>()}");
        }
        return new Column<T>((T*)(_image.Pointer + entry.Offset), (int)entry.Count);
    }

    private StringPool Pool(IndexSection bytes, IndexSection offsets) => new(Get<byte>(bytes), Get<long>(offsets));

    private GeocoderIndex Read(TextPipeline pipeline)
    {
        var hnStart = Get<int>(IndexSection.HnStart);
        return new GeocoderIndex
        {
            Image = _image,
            DocIds = Pool(IndexSection.DocIdBytes, IndexSection.DocIdOffsets),
            DocIdOrder = Get<int>(IndexSection.DocIdOrder),
            DocType = Get<byte>(IndexSection.DocType),
            Types = Pool(IndexSection.TypeBytes, IndexSection.TypeOffsets).ToArray(),
            NameStart = Get<int>(IndexSection.NameStart),
            NamePool = Pool(IndexSection.NameBytes, IndexSection.NameOffsets),
            CityStart = Get<int>(IndexSection.CityStart),
            CityRefs = Get<int>(IndexSection.CityRefs),
            PostcodeStart = Get<int>(IndexSection.PostcodeStart),
            PostcodeRefs = Get<int>(IndexSection.PostcodeRefs),
            CitycodeStart = Get<int>(IndexSection.CitycodeStart),
            CitycodeRefs = Get<int>(IndexSection.CitycodeRefs),
            ContextRef = Get<int>(IndexSection.ContextRef),
            Strings = Pool(IndexSection.StringBytes, IndexSection.StringOffsets).ToArray(),
            LatE7 = Get<int>(IndexSection.LatE7),
            LonE7 = Get<int>(IndexSection.LonE7),
            XCm = Get<int>(IndexSection.XCm),
            YCm = Get<int>(IndexSection.YCm),
            Importance = Get<double>(IndexSection.Importance),
            Extras = Pool(IndexSection.ExtrasBytes, IndexSection.ExtrasOffsets),
            HnStart = hnStart,
            HnRaw = Get<int>(IndexSection.HnRaw),
            HnKey = Get<int>(IndexSection.HnKey),
            HnIdSuffix = Pool(IndexSection.HnIdSuffixBytes, IndexSection.HnIdSuffixOffsets),
            HnIdShared = Get<byte>(IndexSection.HnIdShared),
            HnLatE7 = Get<int>(IndexSection.HnLatE7),
            HnLonE7 = Get<int>(IndexSection.HnLonE7),
            HnXCm = Get<int>(IndexSection.HnXCm),
            HnYCm = Get<int>(IndexSection.HnYCm),
            Terms = Pool(IndexSection.TermBytes, IndexSection.TermOffsets),
            PostingStart = Get<int>(IndexSection.PostingStart),
            PostingDoc = Get<int>(IndexSection.PostingDoc),
            PostingBoost = Get<float>(IndexSection.PostingBoost),
            MaxBoost = Get<float>(IndexSection.MaxBoost),
            TopStart = Get<int>(IndexSection.TopStart),
            TopDoc = Get<int>(IndexSection.TopDoc),
            PairStart = Get<int>(IndexSection.PairStart),
            PairTerm = Get<int>(IndexSection.PairTerm),
            CellKey = Get<long>(IndexSection.CellKey),
            CellDoc = Get<int>(IndexSection.CellDoc),
            Grid = new ReverseGrid(
                Get<long>(IndexSection.GridCellKeys), Get<int>(IndexSection.GridCellStart), Get<int>(IndexSection.GridPoints),
                hnStart[hnStart.Length - 1]),
            Pipeline = pipeline,
        };
    }
}
