using Crossroads.RoutingTable;

namespace Crossroads.Benchmarks;

/// <summary>Pre-generated lookup addresses, so benchmarks time lookups and nothing else.</summary>
internal static class Workload
{
    /// <summary>Uniformly random IPv4 addresses.</summary>
    public static uint[] RandomV4(int count, int seed)
    {
        var random = new Random(seed);
        var addresses = new uint[count];
        for (int i = 0; i < count; i++)
        {
            addresses[i] = (uint)random.NextInt64(0, 1L << 32);
        }

        return addresses;
    }

    /// <summary>IPv4 addresses drawn from inside randomly chosen table prefixes.</summary>
    public static uint[] InsideV4(RouteTableSnapshot table, int count, int seed)
    {
        var random = new Random(seed);
        var addresses = new uint[count];
        int v4Routes = table.V4RouteCount;
        for (int i = 0; i < count; i++)
        {
            var prefix = table.GetRoute(random.Next(v4Routes)).Prefix;
            uint hostMask = prefix.Length == 0 ? uint.MaxValue : (uint)((1UL << (32 - prefix.Length)) - 1);
            addresses[i] = (uint)prefix.Network.Value | ((uint)random.NextInt64(0, 1L << 32) & hostMask);
        }

        return addresses;
    }

    /// <summary>IPv6 addresses drawn from inside randomly chosen table prefixes.</summary>
    public static UInt128[] InsideV6(RouteTableSnapshot table, int count, int seed)
    {
        var random = new Random(seed);
        var addresses = new UInt128[count];
        int v4Routes = table.V4RouteCount;
        int v6Routes = table.RouteCount - v4Routes;
        if (v6Routes == 0)
        {
            return [];
        }

        for (int i = 0; i < count; i++)
        {
            var prefix = table.GetRoute(v4Routes + random.Next(v6Routes)).Prefix;
            UInt128 randomBits = new((ulong)random.NextInt64(), (ulong)random.NextInt64());
            UInt128 hostMask = prefix.Length == 0 ? UInt128.MaxValue : (UInt128.One << (128 - prefix.Length)) - 1;
            addresses[i] = prefix.Network.Value | (randomBits & hostMask);
        }

        return addresses;
    }
}
