using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// Writes an index image section by section to a seekable stream: a reserved header, then each section 64-byte
/// aligned, then the header (section table and hashes) written last, so a file cut short by a crash has a zero magic
/// or a wrong length and is never opened. The caller writes to a temporary name and renames (see <see cref="IndexFiles"/>).
/// </summary>
internal sealed class IndexFileWriter
{
    private static readonly byte[] Padding = new byte[IndexFileFormat.Alignment];

    private readonly Stream _stream;
    private readonly int _sectionCount;
    private readonly List<IndexFileFormat.Entry> _entries = [];
    private readonly XxHash3 _payloadHash = new();
    private long _position;

    public IndexFileWriter(Stream stream, int sectionCount)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the geocoder index file is little-endian");
        }
        _stream = stream;
        _sectionCount = sectionCount;
        _position = IndexFileFormat.HeaderBytes(sectionCount);
        _stream.Position = 0;
        _stream.Write(new byte[_position]);
    }

    public void Add<T>(IndexSection id, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (_entries.Count == _sectionCount)
        {
            throw new InvalidOperationException("more sections than reserved in the header");
        }
        _entries.Add(new IndexFileFormat.Entry(id, Marshal.SizeOf<T>(), _position, values.Length));
        var bytes = MemoryMarshal.AsBytes(values);
        _stream.Write(bytes);
        _payloadHash.Append(bytes);
        _position += bytes.Length;
        var pad = (int)(IndexFileFormat.Align(_position) - _position);
        if (pad > 0)
        {
            _stream.Write(Padding, 0, pad);
            _payloadHash.Append(Padding.AsSpan(0, pad));
            _position += pad;
        }
    }

    /// <summary>Writes the header; returns the file length.</summary>
    public long Complete()
    {
        if (_entries.Count != _sectionCount)
        {
            throw new InvalidOperationException($"{_entries.Count} sections written, {_sectionCount} reserved");
        }
        var header = new byte[IndexFileFormat.HeaderBytes(_sectionCount)];
        IndexFileFormat.Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), IndexFileFormat.Version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), _sectionCount);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), _position);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), _payloadHash.GetCurrentHashAsUInt64());
        for (var i = 0; i < _entries.Count; i++)
        {
            _entries[i].Write(header.AsSpan(IndexFileFormat.FixedHeaderBytes + (i * IndexFileFormat.SectionEntryBytes)));
        }
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(32), HeaderHash(header, _sectionCount));
        _stream.Flush();
        _stream.Position = 0;
        _stream.Write(header);
        _stream.Flush();
        _stream.Position = _position;
        return _position;
    }

    /// <summary>XxHash3 of the fixed header without its own hash field, and of the section table.</summary>
    internal static ulong HeaderHash(ReadOnlySpan<byte> header, int sectionCount)
    {
        var hash = new XxHash3();
        hash.Append(header[..32]);
        hash.Append(header.Slice(IndexFileFormat.FixedHeaderBytes, sectionCount * IndexFileFormat.SectionEntryBytes));
        return hash.GetCurrentHashAsUInt64();
    }
}
