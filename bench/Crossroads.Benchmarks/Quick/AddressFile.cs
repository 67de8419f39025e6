using System.Buffers.Binary;

namespace Crossroads.Benchmarks.Quick;

/// <summary>
/// The quick mode's lookup addresses on disk, so another engine (bench/dpdk/lpm-bench.c) looks up the very same
/// ones. Little-endian: magic "XRWL", version 1, count (three u32); then count uniform random IPv4 addresses and
/// count IPv4 addresses inside table prefixes (u32 each, the address as a number); then count IPv6 addresses
/// inside table prefixes, 16 bytes each in network byte order (what rte_lpm6 takes).
/// </summary>
internal static class AddressFile
{
    private const uint Magic = 0x4c57_5258; // "XRWL" read as a little-endian u32
    private const uint Version = 1;

    public static void Write(string path, uint[] randomV4, uint[] insideV4, UInt128[] insideV6)
    {
        if (randomV4.Length != insideV4.Length || randomV4.Length != insideV6.Length)
        {
            throw new ArgumentException("The three workloads must have the same length.", nameof(insideV6));
        }

        using var stream = new BufferedStream(File.Create(path), 1 << 20);
        Span<byte> buffer = stackalloc byte[16];
        foreach (uint value in (ReadOnlySpan<uint>)[Magic, Version, (uint)randomV4.Length])
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
            stream.Write(buffer[..4]);
        }

        foreach (uint[] addresses in (ReadOnlySpan<uint[]>)[randomV4, insideV4])
        {
            foreach (uint address in addresses)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(buffer, address);
                stream.Write(buffer[..4]);
            }
        }

        foreach (UInt128 address in insideV6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(buffer, address);
            stream.Write(buffer);
        }
    }

    public static (uint[] RandomV4, uint[] InsideV4, UInt128[] InsideV6) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> span = bytes;
        if (span.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != Version)
        {
            throw new InvalidDataException($"{path} is not a version {Version} address file.");
        }

        int count = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(span[8..]));
        if (span.Length != 12 + ((long)count * 24))
        {
            throw new InvalidDataException($"{path}: {span.Length} bytes, expected {12 + ((long)count * 24)} for {count} addresses of each kind.");
        }

        var randomV4 = new uint[count];
        var insideV4 = new uint[count];
        var insideV6 = new UInt128[count];
        int offset = 12;
        for (int i = 0; i < count; i++, offset += 4)
        {
            randomV4[i] = BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);
        }

        for (int i = 0; i < count; i++, offset += 4)
        {
            insideV4[i] = BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);
        }

        for (int i = 0; i < count; i++, offset += 16)
        {
            insideV6[i] = BinaryPrimitives.ReadUInt128BigEndian(span[offset..]);
        }

        return (randomV4, insideV4, insideV6);
    }
}
