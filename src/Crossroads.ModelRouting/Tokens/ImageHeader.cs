using System.Buffers.Binary;

namespace Crossroads.ModelRouting.Tokens;

/// <summary>
/// Reads an inline image's width and height from its header, without decoding pixels and decoding only the base64
/// the header needs: PNG's IHDR, GIF's logical screen, WebP's VP8 / VP8L / VP8X header and JPEG's first SOFn
/// segment (walking the segments before it by their lengths). The format is recognised by its signature, not by the
/// data URL's media type. Anything unrecognised, truncated or corrupt gives null (unknown size), never an exception:
/// the estimate then assumes the rule's largest image.
/// </summary>
public static class ImageHeader
{
    // A JPEG's SOF follows a handful of segments; a file with more before it is not worth walking (the size is then unknown).
    private const int MaxJpegSegments = 256;

    // Encoders write one or two fill bytes; a long run is a corrupt file, and walking it byte by byte would cost time.
    private const int MaxFillBytes = 64;

    /// <summary>The size stated by the header of the image whose base64 is <paramref name="base64"/>, or null when it cannot be read.</summary>
    public static ImageSize? FromBase64(ReadOnlySpan<char> base64)
    {
        var data = new Base64Window(base64);
        Span<byte> head = stackalloc byte[30];
        if (!data.TryRead(0, head[..4]))
        {
            return null;
        }

        try
        {
            return head[0] switch
            {
                0x89 => Png(data, head),
                (byte)'G' => Gif(data, head),
                (byte)'R' => WebP(data, head),
                0xFF => Jpeg(data),
                _ => null,
            };
        }
        catch (OverflowException)
        {
            // Offsets come from the data; a checked sum that overflows is a corrupt file, not a server error.
            return null;
        }
    }

    private static ImageSize? Png(Base64Window data, Span<byte> head)
    {
        // Signature (8), IHDR's length (4) and type (4), then width and height, 4 bytes big-endian each.
        if (!data.TryRead(0, head[..24]) || !head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) || !head[12..16].SequenceEqual("IHDR"u8))
        {
            return null;
        }

        return Size(BinaryPrimitives.ReadUInt32BigEndian(head[16..]), BinaryPrimitives.ReadUInt32BigEndian(head[20..]));
    }

    private static ImageSize? Gif(Base64Window data, Span<byte> head)
    {
        // "GIF87a" or "GIF89a", then the logical screen's width and height, 2 bytes little-endian each.
        if (!data.TryRead(0, head[..10]) || !(head[..6].SequenceEqual("GIF87a"u8) || head[..6].SequenceEqual("GIF89a"u8)))
        {
            return null;
        }

        return Size(BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..]));
    }

    private static ImageSize? WebP(Base64Window data, Span<byte> head)
    {
        // "RIFF", size, "WEBP", then the first chunk's type at 12 and its data at 20.
        if (!data.TryRead(0, head[..30]) || !head[..4].SequenceEqual("RIFF"u8) || !head[8..12].SequenceEqual("WEBP"u8))
        {
            return null;
        }

        var chunk = head[12..16];
        var body = head[20..];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: a 3-byte frame tag, the start code 9D 01 2A, then 14-bit width and height (2 bits of scaling above them).
            return body[3] == 0x9D && body[4] == 0x01 && body[5] == 0x2A
                ? Size(BinaryPrimitives.ReadUInt16LittleEndian(body[6..]) & 0x3FFFu, BinaryPrimitives.ReadUInt16LittleEndian(body[8..]) & 0x3FFFu)
                : null;
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: signature 0x2F, then width − 1 and height − 1 in 14 bits each, least significant bits first.
            if (body[0] != 0x2F)
            {
                return null;
            }

            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(body[1..]);
            return Size((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: flags (1), reserved (3), canvas width − 1 and height − 1 in 3 bytes little-endian each.
            uint width = body[4] | ((uint)body[5] << 8) | ((uint)body[6] << 16);
            uint height = body[7] | ((uint)body[8] << 8) | ((uint)body[9] << 16);
            return Size(width + 1, height + 1);
        }

        return null;
    }

    private static ImageSize? Jpeg(Base64Window data)
    {
        Span<byte> b = stackalloc byte[9];
        if (!data.TryRead(0, b[..2]) || b[0] != 0xFF || b[1] != 0xD8)
        {
            return null;
        }

        long at = 2;
        for (int segments = 0; segments < MaxJpegSegments; segments++)
        {
            if (!data.TryRead(at, b[..2]) || b[0] != 0xFF)
            {
                return null;
            }

            // Fill bytes: any number of 0xFF may precede a marker.
            byte marker = b[1];
            for (int fill = 0; marker == 0xFF; fill++)
            {
                at++;
                if (fill == MaxFillBytes || !data.TryRead(at + 1, b[..1]))
                {
                    return null;
                }

                marker = b[0];
            }

            at += 2;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // TEM and RSTn stand alone, without a length.
            }

            if (marker is 0xD9 or 0xDA or 0x00)
            {
                return null; // End of image or start of scan before any frame header: no size to read.
            }

            if (!data.TryRead(at, b[..2]))
            {
                return null;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(b);
            if (length < 2)
            {
                return null;
            }

            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): length (2), precision (1), height (2), width (2).
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (length < 7 || !data.TryRead(at, b[..7]))
                {
                    return null;
                }

                // A height of 0 is defined later by a DNL segment; the size is then unknown here.
                return Size(BinaryPrimitives.ReadUInt16BigEndian(b[5..]), BinaryPrimitives.ReadUInt16BigEndian(b[3..]));
            }

            at = checked(at + length);
        }

        return null;
    }

    private static ImageSize? Size(uint width, uint height) =>
        width is >= 1 and <= int.MaxValue && height is >= 1 and <= int.MaxValue ? new ImageSize((int)width, (int)height) : null;
}
