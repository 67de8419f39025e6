namespace Crossroads.Server.Tests.Infrastructure;

/// <summary>
/// Random nested tables for differential tests: IPv4 and IPv6 prefixes, many of them inside others, each with one to
/// three next hops from a small pool (so next hops repeat across prefixes and metric/next-hop ties are common).
/// </summary>
public static class RandomTable
{
    // Next hops chosen so numeric and string order disagree (9 < 10 < 100 numerically; "10" < "100" < "9" as strings).
    public static readonly string[] V4NextHops = ["192.168.9.1", "192.168.10.1", "192.168.100.1", "10.255.0.9", "172.16.0.1"];

    public static readonly string[] V6NextHops = ["fe80::9", "fe80::10", "fe80::a", "2001:db8:ffff::1", "fe80::1:0"];

    public static ReferenceTable Create(Random random, int prefixes, int maxMetric)
    {
        ArgumentNullException.ThrowIfNull(random);
        var table = new ReferenceTable(maxMetric);
        var made = new List<(bool V6, UInt128 Network, int Length)>();
        var seen = new HashSet<(bool, UInt128, int)>();
        while (made.Count < prefixes)
        {
            bool v6 = random.Next(3) == 0;
            int width = v6 ? 128 : 32;
            (bool V6, UInt128 Network, int Length) prefix;
            var parents = made.Where(p => p.V6 == v6 && p.Length < width).ToList();
            if (parents.Count > 0 && random.Next(10) < 7)
            {
                // Nest: a longer prefix inside an existing one, a few bits deeper.
                var parent = parents[random.Next(parents.Count)];
                int length = Math.Min(width, parent.Length + 1 + random.Next(v6 ? 16 : 8));
                UInt128 network = (parent.Network | (RandomBits(random, v6) & ~ReferenceTable.Mask(v6, parent.Length))) & ReferenceTable.Mask(v6, length);
                prefix = (v6, network, length);
            }
            else
            {
                // A top-level prefix: IPv4 /8–/20 anywhere, IPv6 /24–/48 inside 2001:db8::/16-ish space (never mapped or compatible forms).
                int length = v6 ? 24 + random.Next(25) : 8 + random.Next(13);
                UInt128 bits = RandomBits(random, v6);
                if (v6)
                {
                    bits = (bits & ~((UInt128)0xFFFF << 112)) | ((UInt128)0x2001 << 112);
                }

                prefix = (v6, bits & ReferenceTable.Mask(v6, length), length);
            }

            if (!seen.Add(prefix))
            {
                continue;
            }

            made.Add(prefix);
            string text = $"{ReferenceTable.Format(prefix.V6, prefix.Network)}/{prefix.Length}";
            var pool = v6 ? V6NextHops : V4NextHops;
            int count = 1 + random.Next(3);
            foreach (string nh in pool.OrderBy(_ => random.Next()).Take(count))
            {
                table.Add(text, nh);
            }
        }

        return table;
    }

    public static UInt128 RandomBits(Random random, bool v6)
    {
        ArgumentNullException.ThrowIfNull(random);
        ulong high = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 33);
        ulong low = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 33);
        return v6 ? new UInt128(high, low) : (UInt128)(uint)low;
    }

    /// <summary>An address inside a random route's prefix (mostly), or anywhere (sometimes, to reach 404s).</summary>
    public static string Address(Random random, ReferenceTable table)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(table);
        if (random.Next(5) == 0)
        {
            bool anyV6 = random.Next(2) == 0;
            UInt128 bits = RandomBits(random, anyV6);
            if (anyV6 && random.Next(2) == 0)
            {
                bits = (bits & ~((UInt128)0xFFFF << 112)) | ((UInt128)0x2001 << 112);
            }

            return ReferenceTable.Format(anyV6, bits);
        }

        var route = table.Routes[random.Next(table.Routes.Count)];
        UInt128 host = RandomBits(random, route.V6) & ~ReferenceTable.Mask(route.V6, route.Length);
        return ReferenceTable.Format(route.V6, route.Network | host);
    }

    /// <summary>A CIDR with host bits clear around an existing prefix (shorter, equal or longer).</summary>
    public static string Cidr(Random random, ReferenceTable table)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(table);
        var route = table.Routes[random.Next(table.Routes.Count)];
        int width = route.V6 ? 128 : 32;
        int length = Math.Clamp(route.Length + random.Next(-4, 6), 0, width);
        UInt128 host = RandomBits(random, route.V6) & ~ReferenceTable.Mask(route.V6, route.Length);
        UInt128 network = (route.Network | host) & ReferenceTable.Mask(route.V6, length);
        return $"{ReferenceTable.Format(route.V6, network)}/{length}";
    }
}
