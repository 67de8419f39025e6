namespace Crossroads.ModelRouting.Tokens;

/// <summary>
/// Random access to the bytes that base64 text encodes, decoding only the 4-character groups a read touches: an
/// image header is a few dozen bytes, and a JPEG's size can sit after segments (EXIF, ICC profiles) tens of kilobytes
/// long that are skipped, not decoded. Invalid characters make a read fail; it never throws.
/// </summary>
internal readonly ref struct Base64Window
{
    private readonly ReadOnlySpan<char> _text;

    /// <summary>Reads the bytes of <paramref name="text"/> (standard base64, padded or not).</summary>
    public Base64Window(ReadOnlySpan<char> text)
    {
        _text = text;
    }

    /// <summary>Decoded bytes, counting only whole groups (a trailing partial group is not read).</summary>
    public long Length
    {
        get
        {
            long groups = _text.Length / 4;
            long length = groups * 3;
            if (groups > 0)
            {
                int last = (int)(groups * 4);
                length -= _text[last - 1] == '=' ? (_text[last - 2] == '=' ? 2 : 1) : 0;
            }

            return length;
        }
    }

    /// <summary>Fills <paramref name="into"/> with the bytes from <paramref name="offset"/>; false when they are past the end or not valid base64.</summary>
    public bool TryRead(long offset, Span<byte> into)
    {
        if (offset < 0 || into.Length == 0 || offset + into.Length > Length)
        {
            return into.Length == 0 && offset >= 0;
        }

        long firstGroup = offset / 3;
        long lastGroup = (offset + into.Length - 1) / 3;
        int groups = (int)(lastGroup - firstGroup + 1);
        // Headers are read a few bytes at a time; 64 groups (192 bytes) covers every read the parsers make.
        if (groups > 64)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[64 * 3];
        var chars = _text.Slice((int)(firstGroup * 4), groups * 4);
        if (!Convert.TryFromBase64Chars(chars, decoded, out int written))
        {
            return false;
        }

        int skip = (int)(offset - (firstGroup * 3));
        if (written < skip + into.Length)
        {
            return false;
        }

        decoded.Slice(skip, into.Length).CopyTo(into);
        return true;
    }
}
