using System.Buffers.Binary;
using System.IO.Hashing;

namespace Crossroads.RoutingTable.Loading;

/// <summary>CRC-32 and length of decompressed gzip content, checked against the member's 8-byte trailer.</summary>
internal sealed class GzipChecksum
{
    private readonly Crc32 _crc = new();
    private long _length;

    public void Append(ReadOnlySpan<byte> decompressed)
    {
        _crc.Append(decompressed);
        _length += decompressed.Length;
    }

    /// <summary>True when the file ends with CRC-32 and length (mod 2^32) of what was decompressed.</summary>
    public bool MatchesTrailer(FileStream file)
    {
        if (file.Length < 18) // 10-byte header + 8-byte trailer at the least
        {
            return false;
        }

        Span<byte> trailer = stackalloc byte[8];
        if (RandomAccess.Read(file.SafeFileHandle, trailer, file.Length - 8) != 8)
        {
            return false;
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(trailer) == _crc.GetCurrentHashAsUInt32()
            && BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) == (uint)_length;
    }
}
