using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Loading;
using Crossroads.RoutingTable.Tests.Support;
using Xunit.Abstractions;

namespace Crossroads.RoutingTable.Tests.FullTable;

/// <summary>
/// The real 1.1M-route table against a reference built without the table's own parser or FIB:
/// lines parsed with <see cref="IPAddress"/>, lookups by trying every length in a dictionary.
/// </summary>
public sealed class FullTableTests(ITestOutputHelper output)
{
    private const int Seed = 1119261;
    private const int DocumentedRouteCount = 1_119_261;

    [FactWhenFullTableExists]
    public void Full_table_loads_and_answers_like_the_reference()
    {
        string path = TestPaths.FullTable();
        var clock = Stopwatch.StartNew();
        var reference = new Dictionary<(bool V6, UInt128 Network, int Length), List<IpAddress>>();
        var distinctLines = new HashSet<string>(StringComparer.Ordinal);
        var pairs = new HashSet<(bool, UInt128, int, IpAddress)>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.ASCII))
        {
            while (reader.ReadLine() is { } raw)
            {
                string line = raw.Trim();
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                distinctLines.Add(line);
                var (v6, network, length, hop) = ParseIndependently(line);
                if (pairs.Add((v6, network, length, hop)))
                {
                    var key = (v6, network, length);
                    if (!reference.TryGetValue(key, out var hops))
                    {
                        reference[key] = hops = [];
                    }

                    hops.Add(hop);
                }
            }
        }

        output.WriteLine($"reference built in {clock.ElapsedMilliseconds} ms: {distinctLines.Count} distinct lines, {pairs.Count} distinct pairs");
        clock.Restart();
        var table = RouteTable.Create(RouteFileLoader.Load(path));
        RouteTableSnapshot snapshot = table.Current;
        output.WriteLine($"table loaded in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(DocumentedRouteCount, distinctLines.Count);
        Assert.Equal(pairs.Count, snapshot.RouteCount);
        Assert.Equal(reference.Count, snapshot.PrefixCount);

        // Give some multi-hop prefixes different metrics so the tie-breaks are not all "lowest next hop".
        var rng = new Random(Seed);
        var metrics = new Dictionary<(bool, UInt128, int, IpAddress), int>();
        var keys = reference.Keys.ToArray();
        var multi = keys.Where(k => reference[k].Count > 1).ToArray();
        for (int i = 0; i < 2000 && multi.Length > 0; i++)
        {
            var key = multi[rng.Next(multi.Length)];
            IpAddress hop = reference[key][rng.Next(reference[key].Count)];
            int metric = rng.Next(1, 50);
            var prefix = new IpPrefix(new IpAddress(key.Network, key.V6), key.Length);
            Assert.Equal(1, table.Apply(new MetricUpdate(prefix, hop, metric, MatchKind.Exact)));
            metrics[(key.V6, key.Network, key.Length, hop)] = metric;
        }

        snapshot = table.Current;
        int failures = 0;
        string first = string.Empty;
        for (int i = 0; i < 10_000; i++)
        {
            IpAddress address = (i % 3) switch
            {
                0 => IpAddress.V4((uint)rng.NextInt64(0, 1L << 32)),
                _ => Inside(keys[rng.Next(keys.Length)], rng),
            };
            var expected = Reference(reference, metrics, address);
            bool found = snapshot.TryLookup(address, out Route route);
            bool same = expected is null
                ? !found
                : found && route.Prefix == expected.Value.Prefix && route.NextHop == expected.Value.Hop && route.Metric == expected.Value.Metric;
            if (!same && failures++ == 0)
            {
                first = $"{address}: got {(found ? route.ToString() : "no route")}, expected {expected?.ToString() ?? "no route"}";
            }
        }

        Assert.True(failures == 0, $"seed {Seed}: {failures} of 10000 lookups differ from the reference; first: {first}");
    }

    private static (bool V6, UInt128 Network, int Length, IpAddress Hop) ParseIndependently(string line)
    {
        int semicolon = line.IndexOf(';', StringComparison.Ordinal);
        string prefix = line[..semicolon].Trim();
        int slash = prefix.IndexOf('/', StringComparison.Ordinal);
        IPAddress network = IPAddress.Parse(slash < 0 ? prefix : prefix[..slash]);
        bool v6 = network.AddressFamily == AddressFamily.InterNetworkV6;
        int length = slash < 0 ? (v6 ? 128 : 32) : int.Parse(prefix[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        IPAddress hop = IPAddress.Parse(line[(semicolon + 1)..].Trim());
        return (v6, ToValue(network), length, new IpAddress(ToValue(hop), hop.AddressFamily == AddressFamily.InterNetworkV6));
    }

    private static UInt128 ToValue(IPAddress address)
    {
        UInt128 value = UInt128.Zero;
        foreach (byte b in address.GetAddressBytes())
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static UInt128 Mask(bool v6, int length) => RandomRoutes.Mask(v6 ? 128 : 32, length);

    private static IpAddress Inside((bool V6, UInt128 Network, int Length) key, Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        UInt128 noise = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes) & ~Mask(key.V6, key.Length) & Mask(key.V6, key.V6 ? 128 : 32);
        return new IpAddress(key.Network | noise, key.V6);
    }

    private static (IpPrefix Prefix, IpAddress Hop, int Metric)? Reference(
        Dictionary<(bool, UInt128, int), List<IpAddress>> reference, Dictionary<(bool, UInt128, int, IpAddress), int> metrics, IpAddress address)
    {
        int width = address.IsV6 ? 128 : 32;
        for (int length = width; length >= 0; length--)
        {
            UInt128 network = address.Value & Mask(address.IsV6, length);
            if (!reference.TryGetValue((address.IsV6, network, length), out var hops))
            {
                continue;
            }

            // Lowest metric, then lowest next hop (IPv4 before IPv6, then numeric).
            var best = hops
                .Select(h => (Hop: h, Metric: metrics.TryGetValue((address.IsV6, network, length, h), out int m) ? m : RouteTable.DefaultMaxMetric))
                .OrderBy(static x => x.Metric).ThenBy(static x => x.Hop.IsV6).ThenBy(static x => x.Hop.Value)
                .First();
            return (new IpPrefix(new IpAddress(network, address.IsV6), length), best.Hop, best.Metric);
        }

        return null;
    }
}
