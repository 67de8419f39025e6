using System.Buffers.Binary;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// The index file's fixed header (little-endian; see the Geocoding README, "Index file"):
/// <code>
/// 0   8  magic "CRGEOIDX"
/// 8   4  format version
/// 12  4  section count N
/// 16  8  file length in bytes (a truncated copy is rejected before anything is read)
/// 24  8  XxHash3 of the payload (every byte after the header and section table; checked by Verify, not at open)
/// 32  8  XxHash3 of bytes 0..31 and the section table (checked at open)
/// 40  N × 24: section id (u32), element size (u32), offset (u64, 64-byte aligned), element count (u64)
/// </code>
/// </summary>
internal static class IndexFileFormat
{
    public const int Version = 1;

    public const int FixedHeaderBytes = 40;

    public const int SectionEntryBytes = 24;

    /// <summary>Sections start on cache-line boundaries so that columns of int64/double are aligned.</summary>
    public const int Alignment = 64;

    public static ReadOnlySpan<byte> Magic => "CRGEOIDX"u8;

    public static int HeaderBytes(int sectionCount) => Align(FixedHeaderBytes + (sectionCount * SectionEntryBytes));

    public static int Align(int value) => (value + Alignment - 1) & ~(Alignment - 1);

    public static long Align(long value) => (value + Alignment - 1) & ~(long)(Alignment - 1);

    /// <summary>One entry of the section table.</summary>
    public readonly record struct Entry(IndexSection Id, int ElementSize, long Offset, long Count)
    {
        public void Write(Span<byte> target)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)Id);
            BinaryPrimitives.WriteInt32LittleEndian(target[4..], ElementSize);
            BinaryPrimitives.WriteInt64LittleEndian(target[8..], Offset);
            BinaryPrimitives.WriteInt64LittleEndian(target[16..], Count);
        }

        public static Entry Read(ReadOnlySpan<byte> source) => new(
            (IndexSection)BinaryPrimitives.ReadUInt32LittleEndian(source),
            BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]));
    }
}
