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
}
