using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable.Tests.Support;

/// <summary>
/// A deliberately slow reference: a flat list of routes, lookups by linear scan. It uses none of the
/// table's own helpers (no <see cref="IpPrefix.Contains"/>, no <see cref="IpAddress.CompareTo"/>), so a
/// bug there cannot hide by being in both the subject and the reference.
/// </summary>
internal sealed class NaiveRouteTable
{
    private readonly List<NaiveRoute> _routes = [];
    private readonly HashSet<(IpPrefix, IpAddress)> _pairs = [];

    public NaiveRouteTable(IEnumerable<(IpPrefix Prefix, IpAddress NextHop)> pairs, int maxMetric)
    {
        MaxMetric = maxMetric;
        foreach (var (prefix, nextHop) in pairs)
        {
            if (_pairs.Add((prefix, nextHop)))
            {
                _routes.Add(new NaiveRoute(prefix, nextHop) { Metric = maxMetric });
            }
        }
    }

    public int MaxMetric { get; }

    public long Version { get; private set; }

    public IReadOnlyList<NaiveRoute> Routes => _routes;

    public int PrefixCount => _routes.Select(static r => r.Prefix).Distinct().Count();

    /// <summary>Every route whose prefix contains the address: longest prefix, lowest metric, lowest next hop first.</summary>
    public List<NaiveRoute> Matching(IpAddress address) =>
        [.. _routes.Where(r => PrefixContains(r.Prefix, address)).Order(Preference.Instance)];

    public NaiveRoute? Lookup(IpAddress address) => Matching(address).FirstOrDefault();

    /// <summary>The route lookups of this prefix return (lowest metric, then lowest next hop).</summary>
    public NaiveRoute Winner(IpPrefix prefix) =>
        _routes.Where(r => r.Prefix == prefix).Order(Preference.Instance).First();

    public IEnumerable<NaiveRoute> Selected(IpPrefix prefix, MatchKind match) =>
        _routes.Where(r => match == MatchKind.Exact ? r.Prefix == prefix : PrefixCovers(prefix, r.Prefix));

    /// <summary>Applies an update the way the domain rules describe it; returns the number of routes updated.</summary>
    public int Apply(MetricUpdate update)
    {
        int matched = 0;
        foreach (var route in Selected(update.Prefix, update.Match))
        {
            if (route.NextHop == update.NextHop)
            {
                route.Metric = update.Metric;
                matched++;
            }
        }

        Version += matched > 0 ? 1 : 0;
        return matched;
    }

    public static int Width(IpAddress address) => address.IsV6 ? 128 : 32;

    public static bool PrefixContains(IpPrefix prefix, IpAddress address)
    {
        if (address.IsV6 != prefix.Network.IsV6)
        {
            return false;
        }

        int hostBits = Width(address) - prefix.Length;
        // Compare the top bits one at a time: slow and obviously right.
        for (int bit = Width(address) - 1; bit >= hostBits; bit--)
        {
            if (((address.Value >> bit) & UInt128.One) != ((prefix.Network.Value >> bit) & UInt128.One))
            {
                return false;
            }
        }

        return true;
    }

    public static bool PrefixCovers(IpPrefix outer, IpPrefix inner) =>
        inner.Length >= outer.Length && PrefixContains(outer, inner.Network);

    /// <summary>Next-hop order: every IPv4 address before every IPv6 one, then numeric.</summary>
    public static int CompareNextHops(IpAddress x, IpAddress y) =>
        x.IsV6 == y.IsV6 ? x.Value.CompareTo(y.Value) : (x.IsV6 ? 1 : -1);

    private sealed class Preference : IComparer<NaiveRoute>
    {
        public static readonly Preference Instance = new();

        public int Compare(NaiveRoute? x, NaiveRoute? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            int c = y.Prefix.Length.CompareTo(x.Prefix.Length);
            if (c != 0)
            {
                return c;
            }

            c = x.Metric.CompareTo(y.Metric);
            return c != 0 ? c : CompareNextHops(x.NextHop, y.NextHop);
        }
    }
}

internal sealed class NaiveRoute(IpPrefix prefix, IpAddress nextHop)
{
    public IpPrefix Prefix { get; } = prefix;

    public IpAddress NextHop { get; } = nextHop;

    public int Metric { get; set; }

    public override string ToString() => $"{Prefix} via {NextHop} metric {Metric}";
}
