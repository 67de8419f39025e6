using System.Diagnostics.CodeAnalysis;

namespace Crossroads.RoutingTable.Addressing;

/// <summary>A network prefix in canonical form: no bits set past <see cref="Length"/>.</summary>
public readonly record struct IpPrefix : IComparable<IpPrefix>
{
    /// <summary>Creates a prefix; the address must have no host bits set.</summary>
    public IpPrefix(IpAddress network, int length)
    {
        if ((uint)length > (uint)network.Width)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "Prefix length exceeds the address width.");
        }

        if ((network.Value & ~NetworkMask(network.Width, length)) != UInt128.Zero)
        {
            throw new ArgumentException("The address has host bits set.", nameof(network));
        }

        Network = network;
        Length = (byte)length;
    }

    private IpPrefix(IpAddress network, byte length, bool trusted)
    {
        _ = trusted;
        Network = network;
        Length = length;
    }

    /// <summary>Creates a prefix the caller has already checked (the parsers).</summary>
    internal static IpPrefix CreateTrusted(IpAddress network, int length) => new(network, (byte)length, trusted: true);

    /// <summary>The network address.</summary>
    public IpAddress Network { get; }

    /// <summary>The prefix length in bits.</summary>
    public byte Length { get; }

    /// <summary>True for IPv6 prefixes.</summary>
    public bool IsV6 => Network.IsV6;

    /// <summary>The last address inside the prefix.</summary>
    public UInt128 Last => Network.Value | ~NetworkMask(Network.Width, Length) & WidthMask(Network.Width);

    /// <summary>True when the address lies inside this prefix (same family).</summary>
    public bool Contains(IpAddress address) =>
        address.IsV6 == IsV6 && (address.Value & NetworkMask(Network.Width, Length)) == Network.Value;

    /// <summary>True when <paramref name="other"/> equals this prefix or lies inside it.</summary>
    public bool Covers(IpPrefix other) => other.Length >= Length && Contains(other.Network);

    /// <summary>Orders by family, network address, then length: containers come before what they contain.</summary>
    public int CompareTo(IpPrefix other)
    {
        int byAddress = Network.CompareTo(other.Network);
        return byAddress != 0 ? byAddress : Length.CompareTo(other.Length);
    }

    /// <summary>The mask with the top <paramref name="length"/> bits of a <paramref name="width"/>-bit address set.</summary>
    public static UInt128 NetworkMask(int width, int length) =>
        length == 0 ? UInt128.Zero : (UInt128.MaxValue << (128 - length)) >> (128 - width);

    private static UInt128 WidthMask(int width) => width == 128 ? UInt128.MaxValue : (UInt128)uint.MaxValue;

    /// <summary>Parses a prefix strictly, as Python's <c>ipaddress.ip_network(text, strict=True)</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpPrefix prefix, out string? error) =>
        IpTextParser.TryParsePrefix(text, out prefix, out error);

    /// <summary>Parses a prefix or throws <see cref="FormatException"/> naming the problem.</summary>
    public static IpPrefix Parse(string text) =>
        TryParse(text, out var prefix, out var error) ? prefix : ThrowFormat(error!);

    [DoesNotReturn]
    private static IpPrefix ThrowFormat(string error) => throw new FormatException(error);

    /// <summary>Longest text <see cref="TryFormat"/> writes (<c>address/128</c>).</summary>
    public const int MaxTextLength = IpAddress.MaxTextLength + 4;

    /// <summary>Formats as <c>network/length</c>.</summary>
    public override string ToString()
    {
        // One string: interpolating Network would format the address into a string of its own first (every
        // HTTP lookup answer formats a prefix).
        Span<char> buffer = stackalloc char[48];
        _ = TryFormat(buffer, out int written);
        return new string(buffer[..written]);
    }

    /// <summary>
    /// Formats as <see cref="ToString"/> does, into a span (false when it is shorter than <see cref="MaxTextLength"/>):
    /// batch answers format a prefix per address without a string each.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < MaxTextLength)
        {
            charsWritten = 0;
            return false;
        }

        int written = Network.IsV6 ? IpTextFormatter.FormatV6(Network.Value, destination) : IpTextFormatter.FormatV4((uint)Network.Value, destination);
        destination[written++] = '/';
        Length.TryFormat(destination[written..], out int digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        charsWritten = written + digits;
        return true;
    }

    public static bool operator <(IpPrefix left, IpPrefix right) => left.CompareTo(right) < 0;
    public static bool operator >(IpPrefix left, IpPrefix right) => left.CompareTo(right) > 0;
    public static bool operator <=(IpPrefix left, IpPrefix right) => left.CompareTo(right) <= 0;
    public static bool operator >=(IpPrefix left, IpPrefix right) => left.CompareTo(right) >= 0;
}
