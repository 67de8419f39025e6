using System.Net;
using System.Net.Sockets;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>
/// Names the client a budget belongs to from its address (after forwarded headers). IPv6 clients are grouped by their
/// /64: one subscriber or host is normally given a whole /64, so per-address budgets would let it rotate through
/// 2^64 fresh ones. IPv4-mapped IPv6 addresses count as the IPv4 address they carry.
/// </summary>
internal static class ClientKey
{
    /// <summary>The shared key when the connection has no IP address (e.g. a Unix socket without a trusted proxy).</summary>
    public const string Unknown = "unknown";

    public static string For(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear(); // keep the /64 network; the interface id and the scope id are the client's to choose
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>
    /// The same grouping as <see cref="For"/> as a number, without allocating: IPv4 (and IPv4-mapped IPv6) as the
    /// IPv4-mapped IPv6 address, other IPv6 as its /64 with the low 64 bits zero, no address as
    /// <see cref="UInt128.MaxValue"/> (which neither form can produce).
    /// </summary>
    public static UInt128 Bits(IPAddress? address)
    {
        if (address is null)
        {
            return UInt128.MaxValue;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            address.TryWriteBytes(bytes[12..], out _);
            bytes[..10].Clear();
            bytes[10] = 0xFF;
            bytes[11] = 0xFF;
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
            if (!address.IsIPv4MappedToIPv6)
            {
                bytes[8..].Clear();
            }
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
