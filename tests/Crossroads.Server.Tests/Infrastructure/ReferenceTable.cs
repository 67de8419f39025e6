using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Crossroads.Server.Tests.Infrastructure;

/// <summary>
/// The slow, obviously correct model the server is compared with: a list of routes, scanned linearly.
/// Addresses are parsed by System.Net (not the server's parser), values kept as UInt128 per family.
/// </summary>
public sealed class ReferenceTable(int maxMetric)
{
    public List<RefRoute> Routes { get; } = [];

    public int MaxMetric { get; } = maxMetric;

    public sealed class RefRoute
    {
        public required bool V6 { get; init; }

        public required UInt128 Network { get; init; }

        public required int Length { get; init; }

        public required UInt128 NextHop { get; init; }

        public required string PrefixText { get; init; }

        public required string NextHopText { get; init; }

        public required int Metric { get; set; }

        public override string ToString() => $"{PrefixText} via {NextHopText} metric {Metric}";
    }

    /// <summary>Adds a route given as canonical text; duplicates of (prefix, next hop) are ignored, as one route.</summary>
    public void Add(string prefix, string nextHop)
    {
        var (v6, network, length) = ParsePrefix(prefix);
        var (nhV6, nh) = ParseAddress(nextHop);
        Assert.Equal(v6, nhV6);
        if (Routes.Any(r => r.V6 == v6 && r.Network == network && r.Length == length && r.NextHop == nh))
        {
            return;
        }

        Routes.Add(new RefRoute { V6 = v6, Network = network, Length = length, NextHop = nh, PrefixText = prefix, NextHopText = nextHop, Metric = MaxMetric });
    }

    /// <summary>The routes file text, one <c>prefix;next_hop</c> per line.</summary>
    public string ToFileText() => string.Concat(Routes.Select(r => $"{r.PrefixText};{r.NextHopText}\n"));

    /// <summary>Every route containing the address, in preference order: longest prefix, lowest metric, lowest next hop.</summary>
    public List<RefRoute> Matching(bool v6, UInt128 address) =>
        [.. Routes.Where(r => r.V6 == v6 && (address & Mask(v6, r.Length)) == r.Network)
            .OrderByDescending(r => r.Length).ThenBy(r => r.Metric).ThenBy(r => r.NextHop)];

    public RefRoute? Lookup(string address)
    {
        var (v6, value) = ParseAddress(address);
        return Matching(v6, value).FirstOrDefault();
    }

    /// <summary>True when the route is the one its own prefix resolves to.</summary>
    public bool IsActive(RefRoute route) =>
        Routes.Where(r => r.V6 == route.V6 && r.Network == route.Network && r.Length == route.Length)
            .OrderBy(r => r.Metric).ThenBy(r => r.NextHop).First() == route;

    /// <summary>Routes selected by a prefix: equal to it (exact) or inside it (orlonger).</summary>
    public List<RefRoute> Select(string prefix, bool exact)
    {
        var (v6, network, length) = ParsePrefix(prefix);
        return [.. Routes.Where(r => r.V6 == v6 && (exact
            ? r.Network == network && r.Length == length
            : r.Length >= length && (r.Network & Mask(v6, length)) == network))];
    }

    /// <summary>Applies a metric update as the service defines it; returns how many routes it matched.</summary>
    public int Update(string prefix, string nextHop, int metric, bool exact)
    {
        var (nhV6, nh) = ParseAddress(nextHop);
        var matched = Select(prefix, exact).Where(r => r.V6 == nhV6 && r.NextHop == nh).ToList();
        foreach (var route in matched)
        {
            route.Metric = metric;
        }

        return matched.Count;
    }

    public static UInt128 Mask(bool v6, int length)
    {
        int width = v6 ? 128 : 32;
        if (length == 0)
        {
            return UInt128.Zero;
        }

        UInt128 all = v6 ? UInt128.MaxValue : uint.MaxValue;
        return all & ~((UInt128.One << (width - length)) - 1);
    }

    public static (bool V6, UInt128 Value) ParseAddress(string text)
    {
        var address = IPAddress.Parse(text);
        byte[] bytes = address.GetAddressBytes();
        UInt128 value = UInt128.Zero;
        foreach (byte b in bytes)
        {
            value = (value << 8) | b;
        }

        return (address.AddressFamily == AddressFamily.InterNetworkV6, value);
    }

    public static (bool V6, UInt128 Network, int Length) ParsePrefix(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        var (v6, value) = ParseAddress(text[..slash]);
        int length = int.Parse(text[(slash + 1)..], CultureInfo.InvariantCulture);
        Assert.Equal(value & Mask(v6, length), value);
        return (v6, value, length);
    }

    /// <summary>Canonical text of an address value (System.Net prints IPv6 per RFC 5952, as Python does).</summary>
    public static string Format(bool v6, UInt128 value)
    {
        byte[] bytes = new byte[v6 ? 16 : 4];
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes).ToString();
    }
}
