using System.Buffers.Binary;
using System.Text;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Headers of images of a given size, byte for byte as the formats' specifications lay them out (no pixels: the parser must not need them).</summary>
internal static class ImageBytes
{
    public static byte[] Png(int width, int height)
    {
        var b = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        b.AddRange("IHDR"u8.ToArray());
        b.AddRange(BigEndian32((uint)width));
        b.AddRange(BigEndian32((uint)height));
        b.AddRange([8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89]); // depth, colour type, methods, CRC
        b.AddRange([0, 0, 0, 0, .. "IEND"u8.ToArray(), 0xAE, 0x42, 0x60, 0x82]);
        return [.. b];
    }

    public static byte[] Gif(int width, int height)
    {
        var b = new List<byte>("GIF89a"u8.ToArray());
        b.AddRange(LittleEndian16((ushort)width));
        b.AddRange(LittleEndian16((ushort)height));
        b.AddRange([0xF7, 0, 0, 0x3B]);
        return [.. b];
    }

    /// <summary>Lossy WebP; the two scaling bits above each 14-bit side are set, so a parser that does not mask them fails.</summary>
    public static byte[] WebPLossy(int width, int height) =>
        Riff("VP8 ", [0x50, 0x05, 0x00, 0x9D, 0x01, 0x2A, .. LittleEndian16((ushort)(width | 0xC000)), .. LittleEndian16((ushort)(height | 0x4000)), 0, 0, 0, 0]);

    public static byte[] WebPLossless(int width, int height)
    {
        uint bits = (uint)(width - 1) | ((uint)(height - 1) << 14) | (1u << 28);
        byte[] word = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, bits);
        return Riff("VP8L", [0x2F, .. word, 0, 0, 0, 0, 0]);
    }

    public static byte[] WebPExtended(int width, int height) =>
        Riff("VP8X", [0x10, 0, 0, 0, .. LittleEndian24(width - 1), .. LittleEndian24(height - 1), 0, 0]);

    /// <summary>
    /// A JPEG: SOI, JFIF APP0, an APP1 of <paramref name="exifBytes"/> (EXIF data sits there, often tens of KB), a DHT
    /// (C4, which is not a frame header), then the frame header <paramref name="sof"/> (C0 baseline, C2 progressive).
    /// </summary>
    public static byte[] Jpeg(int width, int height, byte sof = 0xC0, int exifBytes = 100, bool fillBytes = false)
    {
        var b = new List<byte> { 0xFF, 0xD8 };
        b.AddRange([0xFF, 0xE0, 0, 16, .. "JFIF\0"u8.ToArray(), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        b.AddRange([0xFF, 0xE1, .. BigEndian16((ushort)(exifBytes + 2))]);
        b.AddRange(Enumerable.Repeat((byte)0xFF, exifBytes)); // marker-like bytes inside a segment must be skipped, not read
        b.AddRange([0xFF, 0xC4, 0, 5, 0, 0x12, 0x34]);
        if (fillBytes)
        {
            b.AddRange([0xFF, 0xFF, 0xFF]);
        }

        b.AddRange([0xFF, sof, 0, 17, 8, .. BigEndian16((ushort)height), .. BigEndian16((ushort)width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        b.AddRange([0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0, 0x12, 0x34, 0xFF, 0xD9]);
        return [.. b];
    }

    private static byte[] Riff(string chunk, byte[] data)
    {
        var b = new List<byte>("RIFF"u8.ToArray());
        b.AddRange(LittleEndian32((uint)(4 + 8 + data.Length)));
        b.AddRange("WEBP"u8.ToArray());
        b.AddRange(Encoding.ASCII.GetBytes(chunk));
        b.AddRange(LittleEndian32((uint)data.Length));
        b.AddRange(data);
        return [.. b];
    }

    private static byte[] BigEndian32(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static byte[] BigEndian16(ushort v) => [(byte)(v >> 8), (byte)v];

    private static byte[] LittleEndian32(uint v) => [(byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24)];

    private static byte[] LittleEndian16(ushort v) => [(byte)v, (byte)(v >> 8)];

    private static byte[] LittleEndian24(int v) => [(byte)v, (byte)(v >> 8), (byte)(v >> 16)];
}
