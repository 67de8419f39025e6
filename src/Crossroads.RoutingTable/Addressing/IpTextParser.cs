using System.Runtime.CompilerServices;
using System.Text;

namespace Crossroads.RoutingTable.Addressing;

/// <summary>
/// Strict address and prefix parsing with the rules of Python's <c>ipaddress</c> module, so that the
/// answers match the service we replace: no leading zeros in IPv4 octets, no shorthand forms such as
/// <c>10.1</c>, one <c>::</c> at most, IPv4 netmask/hostmask prefix forms, and no host bits set.
/// The core works on ASCII bytes so the file loader never allocates strings.
/// <para>
/// The byte parsers that do the work are compiled optimized at their first call: the routes file (a million calls
/// during start) is parsed while the host is still compiling, when the runtime keeps new methods at their unoptimized
/// first tier, and ReadyToRun cannot precompile code using UInt128. Integer parsing gains little from profile-guided
/// tiering, so lookups parsing addresses lose nothing by it.
/// </para>
/// </summary>
internal static class IpTextParser
{
    // Longest valid address is an IPv6 address with an embedded IPv4 part (45 chars); prefixes may be longer.
    private const int MaxTextLength = 64;

    public static bool TryParseAddress(ReadOnlySpan<char> text, out IpAddress address)
    {
        Span<byte> ascii = stackalloc byte[MaxTextLength];
        address = default;
        return TryToAscii(text, ascii, out int length) && TryParseAddress(ascii[..length], out address);
    }

    public static bool TryParsePrefix(ReadOnlySpan<char> text, out IpPrefix prefix, out string? error)
    {
        // Python allows any number of leading zeros in the length, so long text can still be valid.
        Span<byte> ascii = text.Length <= MaxTextLength ? stackalloc byte[MaxTextLength] : new byte[text.Length];
        if (!TryToAscii(text, ascii, out int length))
        {
            prefix = default;
            error = $"'{text}' is not a valid IPv4 or IPv6 network";
            return false;
        }

        error = TryParsePrefix(ascii[..length], out prefix);
        return error is null;
    }

    public static bool TryParseAddress(ReadOnlySpan<byte> text, out IpAddress address)
    {
        if (text.IndexOf((byte)':') >= 0)
        {
            bool ok = TryParseV6(text, out UInt128 v6);
            address = IpAddress.V6(v6);
            return ok;
        }

        bool ok4 = TryParseV4(text, out uint v4);
        address = IpAddress.V4(v4);
        return ok4;
    }

    /// <summary>Parses <c>address[/length|/netmask|/hostmask]</c>; returns null or a message naming the problem.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? TryParsePrefix(ReadOnlySpan<byte> text, out IpPrefix prefix)
    {
        prefix = default;
        int slash = text.IndexOf((byte)'/');
        ReadOnlySpan<byte> addressText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addressText, out var network))
        {
            return $"'{Encoding.ASCII.GetString(text)}' is not a valid IPv4 or IPv6 network";
        }

        int length = network.Width;
        if (slash >= 0 && !TryParseLength(text[(slash + 1)..], network.IsV6, out length))
        {
            return $"'{Encoding.ASCII.GetString(text)}' has an invalid prefix length or netmask";
        }

        if ((network.Value & ~IpPrefix.NetworkMask(network.Width, length)) != UInt128.Zero)
        {
            return $"'{Encoding.ASCII.GetString(text)}' has host bits set";
        }

        prefix = IpPrefix.CreateTrusted(network, length);
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseV4(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        int octets = 0;
        int i = 0;
        while (true)
        {
            int start = i;
            uint octet = 0;
            while (i < text.Length && IsDigit(text[i]))
            {
                octet = octet * 10 + (uint)(text[i] - '0');
                i++;
            }

            int digits = i - start;
            // Python rejects leading zeros ("01") as ambiguous octal and more than three digits.
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }

            value = (value << 8) | octet;
            octets++;
            if (i == text.Length)
            {
                return octets == 4;
            }

            if (text[i] != '.' || octets == 4)
            {
                return false;
            }

            i++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseV6(ReadOnlySpan<byte> text, out UInt128 value)
    {
        value = UInt128.Zero;
        // Follows ipaddress.IPv6Address._ip_int_from_string: split on ':', at most one empty inner part.
        Span<Range> parts = stackalloc Range[9];
        int count = 0;
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == ':')
            {
                if (count == parts.Length)
                {
                    return false; // more than nine parts
                }

                parts[count++] = new Range(start, i);
                start = i + 1;
            }
        }

        if (count < 3)
        {
            return false;
        }

        int lastIndex = count - 1;
        ReadOnlySpan<byte> last = text[parts[lastIndex]];
        bool embeddedV4 = last.IndexOf((byte)'.') >= 0;
        int maxParts = 9;
        if (embeddedV4)
        {
            if (!TryParseV4(last, out uint v4))
            {
                return false;
            }

            maxParts = 8; // the two hextets of the IPv4 part count against the limit
            if (count > maxParts)
            {
                return false;
            }
        }

        int skipIndex = -1;
        for (int p = 1; p < lastIndex; p++)
        {
            if (text[parts[p]].IsEmpty)
            {
                if (skipIndex >= 0)
                {
                    return false; // more than one '::'
                }

                skipIndex = p;
            }
        }

        int partsHi;
        int partsLo;
        int hexParts = embeddedV4 ? count - 1 : count;
        int totalHextets = embeddedV4 ? 6 : 8;
        if (skipIndex >= 0)
        {
            partsHi = skipIndex;
            partsLo = hexParts - skipIndex - 1;
            if (text[parts[0]].IsEmpty)
            {
                partsHi--;
                if (partsHi != 0)
                {
                    return false; // leading ':' without '::'
                }
            }

            if (!embeddedV4 && text[parts[lastIndex]].IsEmpty)
            {
                partsLo--;
                if (partsLo != 0)
                {
                    return false; // trailing ':' without '::'
                }
            }

            if (totalHextets - (partsHi + partsLo) < 1)
            {
                return false;
            }
        }
        else
        {
            if (hexParts != totalHextets || text[parts[0]].IsEmpty || (!embeddedV4 && text[parts[lastIndex]].IsEmpty))
            {
                return false;
            }

            partsHi = hexParts;
            partsLo = 0;
        }

        UInt128 result = UInt128.Zero;
        for (int p = 0; p < partsHi; p++)
        {
            if (!TryParseHextet(text[parts[p]], out ushort h))
            {
                return false;
            }

            result = (result << 16) | h;
        }

        result <<= 16 * (totalHextets - partsHi - partsLo);
        for (int p = hexParts - partsLo; p < hexParts; p++)
        {
            if (!TryParseHextet(text[parts[p]], out ushort h))
            {
                return false;
            }

            result = (result << 16) | h;
        }

        if (embeddedV4)
        {
            _ = TryParseV4(last, out uint v4);
            result = (result << 32) | v4;
        }

        value = result;
        return true;
    }

    private static bool TryParseHextet(ReadOnlySpan<byte> text, out ushort value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 4)
        {
            return false;
        }

        int v = 0;
        foreach (byte c in text)
        {
            int d = HexValue(c);
            if (d < 0)
            {
                return false;
            }

            v = (v << 4) | d;
        }

        value = (ushort)v;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseLength(ReadOnlySpan<byte> text, bool isV6, out int length)
    {
        length = 0;
        int width = isV6 ? 128 : 32;
        if (!text.IsEmpty && text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
        {
            // Python's int() accepts leading zeros in the length ("/08").
            int value = 0;
            foreach (byte c in text)
            {
                value = value * 10 + (c - '0');
                if (value > width)
                {
                    return false;
                }
            }

            length = value;
            return true;
        }

        // IPv4 also accepts a netmask (255.0.0.0) or a hostmask (0.255.255.255).
        if (isV6 || !TryParseV4(text, out uint mask))
        {
            return false;
        }

        return TryMaskLength(mask, out length) || TryMaskLength(~mask, out length);
    }

    private static bool TryMaskLength(uint mask, out int length)
    {
        length = System.Numerics.BitOperations.PopCount(mask);
        uint expected = length == 0 ? 0u : uint.MaxValue << (32 - length);
        return mask == expected;
    }

    private static bool TryToAscii(ReadOnlySpan<char> text, Span<byte> ascii, out int length)
    {
        length = text.Length;
        if (text.Length > ascii.Length)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c > 0x7F)
            {
                return false;
            }

            ascii[i] = (byte)c;
        }

        return true;
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static int HexValue(byte c)
    {
        if ((uint)(c - '0') <= 9)
        {
            return c - '0';
        }

        int lower = c | 0x20; // ASCII letters: fold to lower case
        return (uint)(lower - 'a') <= 5 ? lower - 'a' + 10 : -1;
    }
}
