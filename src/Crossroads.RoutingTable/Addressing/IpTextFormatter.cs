using System.Globalization;

namespace Crossroads.RoutingTable.Addressing;

/// <summary>Formats addresses as Python's <c>ipaddress</c> prints them (RFC 5952 for IPv6).</summary>
internal static class IpTextFormatter
{
    public static string Format(IpAddress address)
    {
        Span<char> buffer = stackalloc char[48];
        int written = address.IsV6 ? FormatV6(address.Value, buffer) : FormatV4((uint)address.Value, buffer);
        return new string(buffer[..written]);
    }

    public static int FormatV4(uint value, Span<char> destination)
    {
        int pos = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            ((value >> shift) & 0xFF).TryFormat(destination[pos..], out int n, provider: CultureInfo.InvariantCulture);
            pos += n;
            if (shift > 0)
            {
                destination[pos++] = '.';
            }
        }

        return pos;
    }

    public static int FormatV6(UInt128 value, Span<char> destination)
    {
        Span<ushort> hextets = stackalloc ushort[8];
        for (int i = 0; i < 8; i++)
        {
            hextets[i] = (ushort)(value >> (112 - (16 * i)));
        }

        // The longest run of two or more zero hextets becomes "::"; the first such run wins a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8;)
        {
            if (hextets[i] != 0)
            {
                i++;
                continue;
            }

            int j = i;
            while (j < 8 && hextets[j] == 0)
            {
                j++;
            }

            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }

            i = j;
        }

        int pos = 0;
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                destination[pos++] = ':';
                if (i == 0)
                {
                    destination[pos++] = ':';
                }

                i += bestLength - 1;
                continue;
            }

            hextets[i].TryFormat(destination[pos..], out int n, "x", CultureInfo.InvariantCulture);
            pos += n;
            if (i < 7)
            {
                destination[pos++] = ':';
            }
        }

        return pos;
    }
}
