using System.Buffers.Binary;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable.Tests.Support;

/// <summary>Seeded generators of route tables, addresses and updates that hit nesting and boundaries.</summary>
internal sealed class RandomRoutes(int seed)
{
    // Lengths around the FIB's internal boundaries (direct table at 18 bits, then 6-bit strides).
    private static readonly int[] InterestingV4Lengths = [0, 1, 7, 8, 12, 17, 18, 19, 23, 24, 25, 29, 30, 31, 32];
    private static readonly int[] InterestingV6Lengths =
        [0, 1, 17, 18, 19, 24, 30, 32, 48, 58, 59, 63, 64, 65, 66, 70, 96, 120, 124, 125, 126, 127, 128];

    public Random Rng { get; } = new(seed);

    public int Seed { get; } = seed;

    public static UInt128 Mask(int width, int length) =>
        length == 0 ? UInt128.Zero : (UInt128.MaxValue << (128 - length)) >> (128 - width);

    public static UInt128 HostMask(int width, int length) => ~Mask(width, length) & Mask(width, width);

    public UInt128 NextValue(bool v6)
    {
        if (!v6)
        {
            return (uint)Rng.NextInt64(0, 1L << 32);
        }

        Span<byte> bytes = stackalloc byte[16];
        Rng.NextBytes(bytes);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public int NextLength(bool v6)
    {
        int width = v6 ? 128 : 32;
        if (Rng.Next(3) == 0)
        {
            int[] interesting = v6 ? InterestingV6Lengths : InterestingV4Lengths;
            return interesting[Rng.Next(interesting.Length)];
        }

        return Rng.Next(width + 1);
    }

    public IpPrefix NewPrefix(bool v6, int length)
    {
        int width = v6 ? 128 : 32;
        UInt128 network = NextValue(v6) & Mask(width, length);
        // Cluster networks so that unrelated prefixes still share upper bits (and FIB nodes) sometimes.
        if (Rng.Next(2) == 0)
        {
            UInt128 cluster = v6 ? (UInt128)0x2001_0db8UL << 96 : (UInt128)0x0A00_0000U;
            network = (cluster | (network & HostMask(width, 8 + Rng.Next(8)))) & Mask(width, length);
        }

        return new IpPrefix(new IpAddress(network, v6), length);
    }

    /// <summary>A prefix strictly inside <paramref name="parent"/> (or the parent itself at full length).</summary>
    public IpPrefix Inside(IpPrefix parent)
    {
        int width = NaiveRouteTable.Width(parent.Network);
        if (parent.Length == width)
        {
            return parent;
        }

        int length = Rng.Next(3) == 0 ? width : Rng.Next(parent.Length + 1, width + 1);
        UInt128 network = (parent.Network.Value | (NextValue(parent.IsV6) & HostMask(width, parent.Length))) & Mask(width, length);
        return new IpPrefix(new IpAddress(network, parent.IsV6), length);
    }

    /// <summary>The prefix of <paramref name="length"/> bits that contains <paramref name="prefix"/>.</summary>
    public static IpPrefix Truncate(IpPrefix prefix, int length)
    {
        int width = NaiveRouteTable.Width(prefix.Network);
        return new IpPrefix(new IpAddress(prefix.Network.Value & Mask(width, length), prefix.IsV6), length);
    }

    public IpAddress[] NextHopPool()
    {
        var pool = new HashSet<IpAddress>();
        int count = Rng.Next(2, 7);
        while (pool.Count < count)
        {
            pool.Add(Rng.Next(4) switch
            {
                0 => IpAddress.V4((uint)Rng.NextInt64(0, 1L << 32)),
                1 => IpAddress.V4(0xC0A8_0000u | (uint)Rng.Next(8)), // close neighbours: order matters
                2 => IpAddress.V6(((UInt128)0xFFFF << 32) | (uint)Rng.NextInt64(0, 1L << 32)), // IPv4-mapped stays IPv6
                _ => IpAddress.V6(((UInt128)0x2001_0db8UL << 96) | (uint)Rng.Next(8)),
            });
        }

        return [.. pool];
    }

    /// <summary>Random (prefix, next hop) pairs: nested prefixes, several next hops per prefix, duplicates.</summary>
    public List<(IpPrefix Prefix, IpAddress NextHop)> Table(int prefixCount, IpAddress[] nextHops)
    {
        var prefixes = new List<IpPrefix>();
        while (prefixes.Count < prefixCount)
        {
            bool v6 = Rng.Next(2) == 0;
            IpPrefix prefix = prefixes.Count > 0 && Rng.Next(2) == 0
                ? Inside(prefixes[Rng.Next(prefixes.Count)])
                : NewPrefix(v6, NextLength(v6));
            prefixes.Add(prefix);
        }

        var pairs = new List<(IpPrefix, IpAddress)>();
        foreach (IpPrefix prefix in prefixes)
        {
            int hops = Rng.Next(4) == 0 ? nextHops.Length : Rng.Next(1, 3);
            foreach (IpAddress hop in nextHops.OrderBy(_ => Rng.Next()).Take(hops))
            {
                pairs.Add((prefix, hop));
            }
        }

        // Duplicates: the same pair added again, anywhere in the input.
        int duplicates = pairs.Count / 5;
        for (int i = 0; i < duplicates; i++)
        {
            pairs.Add(pairs[Rng.Next(pairs.Count)]);
        }

        return [.. pairs.OrderBy(_ => Rng.Next())];
    }

    /// <summary>Addresses: uniform, inside prefixes, and each prefix's first and last address and just outside.</summary>
    public List<IpAddress> Addresses(IReadOnlyList<IpPrefix> prefixes, int count)
    {
        var addresses = new List<IpAddress>(count);
        while (addresses.Count < count)
        {
            int kind = prefixes.Count == 0 ? 0 : Rng.Next(6);
            if (kind == 0)
            {
                bool v6 = Rng.Next(2) == 0;
                addresses.Add(new IpAddress(NextValue(v6), v6));
                continue;
            }

            IpPrefix prefix = prefixes[Rng.Next(prefixes.Count)];
            int width = NaiveRouteTable.Width(prefix.Network);
            UInt128 first = prefix.Network.Value;
            UInt128 last = first | HostMask(width, prefix.Length);
            UInt128 all = Mask(width, width);
            UInt128 value = kind switch
            {
                1 => first | (NextValue(prefix.IsV6) & HostMask(width, prefix.Length)),
                2 => first,
                3 => last,
                4 => (first - UInt128.One) & all,
                _ => (last + UInt128.One) & all,
            };
            addresses.Add(new IpAddress(value, prefix.IsV6));
        }

        return addresses;
    }
}
