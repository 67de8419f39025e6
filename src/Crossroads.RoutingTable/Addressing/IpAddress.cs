using System.Diagnostics.CodeAnalysis;

namespace Crossroads.RoutingTable.Addressing;

/// <summary>An IPv4 or IPv6 address. IPv4 values occupy the low 32 bits of <see cref="Value"/>.</summary>
/// <remarks>IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) stay IPv6, as in Python's <c>ipaddress</c>.</remarks>
public readonly record struct IpAddress(UInt128 Value, bool IsV6) : IComparable<IpAddress>
{
    /// <summary>Width of the address in bits (32 or 128).</summary>
    public int Width => IsV6 ? 128 : 32;

    /// <summary>Creates an IPv4 address.</summary>
    public static IpAddress V4(uint value) => new(value, false);

    /// <summary>Creates an IPv6 address.</summary>
    public static IpAddress V6(UInt128 value) => new(value, true);

    /// <summary>Orders IPv4 before IPv6, then numerically (the tie-break between next hops).</summary>
    public int CompareTo(IpAddress other) =>
        IsV6 != other.IsV6 ? (IsV6 ? 1 : -1) : Value.CompareTo(other.Value);

    /// <summary>Parses an address strictly, with the rules of Python's <c>ipaddress.ip_address</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpAddress address) =>
        IpTextParser.TryParseAddress(text, out address);

    /// <summary>
    /// Parses an address from UTF-8 (or ASCII) text with the same rules as <see cref="TryParse(ReadOnlySpan{char}, out IpAddress)"/>,
    /// without a transcoding step: batch lookups parse addresses straight from the request body.
    /// </summary>
    public static bool TryParseUtf8(ReadOnlySpan<byte> utf8Text, out IpAddress address) =>
        IpTextParser.TryParseAddress(utf8Text, out address);

    /// <summary>Parses an address or throws <see cref="FormatException"/>.</summary>
    public static IpAddress Parse(string text) =>
        TryParse(text, out var address) ? address : ThrowFormat(text);

    [DoesNotReturn]
    private static IpAddress ThrowFormat(string text) =>
        throw new FormatException($"'{text}' is not a valid IPv4 or IPv6 address.");

    /// <summary>Longest text <see cref="TryFormat"/> writes (an IPv6 address with every hextet of four digits).</summary>
    public const int MaxTextLength = 39;

    /// <summary>Formats as dotted quad or RFC 5952 compressed IPv6.</summary>
    public override string ToString() => IpTextFormatter.Format(this);

    /// <summary>Formats as <see cref="ToString"/> does, into a span (false when it is shorter than <see cref="MaxTextLength"/>).</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < MaxTextLength)
        {
            charsWritten = 0;
            return false;
        }

        charsWritten = IsV6 ? IpTextFormatter.FormatV6(Value, destination) : IpTextFormatter.FormatV4((uint)Value, destination);
        return true;
    }

    public static bool operator <(IpAddress left, IpAddress right) => left.CompareTo(right) < 0;
    public static bool operator >(IpAddress left, IpAddress right) => left.CompareTo(right) > 0;
    public static bool operator <=(IpAddress left, IpAddress right) => left.CompareTo(right) <= 0;
    public static bool operator >=(IpAddress left, IpAddress right) => left.CompareTo(right) >= 0;
}
