using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable;

/// <summary>Collects (prefix, next hop) pairs compactly before a table is compiled from them.</summary>
public sealed class RouteListBuilder
{
    // IPv4 routes pack into one sortable key: network (32) | length (8) | next-hop id (24).
    private const int MaxNextHops = 1 << 24;

    private readonly Dictionary<IpAddress, int> _nextHopIds = [];
    private readonly List<IpAddress> _nextHops = [];
    private ulong[] _v4 = new ulong[1024];
    private V6Route[] _v6 = new V6Route[256];

    /// <summary>Number of pairs added, duplicates included.</summary>
    public int Count => V4Count + V6Count;

    internal int V4Count { get; private set; }

    internal int V6Count { get; private set; }

    internal IReadOnlyList<IpAddress> NextHops => _nextHops;

    internal ReadOnlySpan<ulong> V4Keys => _v4.AsSpan(0, V4Count);

    internal ReadOnlySpan<V6Route> V6Routes => _v6.AsSpan(0, V6Count);

    /// <summary>Adds a route; a repeated (prefix, next hop) pair is kept once when the table is built.</summary>
    public void Add(IpPrefix prefix, IpAddress nextHop)
    {
        int nextHopId = NextHopId(nextHop);
        if (prefix.IsV6)
        {
            if (V6Count == _v6.Length)
            {
                Array.Resize(ref _v6, _v6.Length * 2);
            }

            _v6[V6Count++] = new V6Route(prefix.Network.Value, prefix.Length, nextHopId);
            return;
        }

        if (V4Count == _v4.Length)
        {
            Array.Resize(ref _v4, _v4.Length * 2);
        }

        _v4[V4Count++] = PackV4((uint)prefix.Network.Value, prefix.Length, nextHopId);
    }

    internal static ulong PackV4(uint network, int length, int nextHopId) =>
        ((ulong)network << 32) | ((ulong)(uint)length << 24) | (uint)nextHopId;

    private int NextHopId(IpAddress nextHop)
    {
        if (_nextHopIds.TryGetValue(nextHop, out int id))
        {
            return id;
        }

        if (_nextHops.Count == MaxNextHops)
        {
            throw new InvalidOperationException($"A table may have at most {MaxNextHops} distinct next hops.");
        }

        id = _nextHops.Count;
        _nextHops.Add(nextHop);
        _nextHopIds.Add(nextHop, id);
        return id;
    }

    internal record struct V6Route(UInt128 Network, byte Length, int NextHop) : IComparable<V6Route>
    {
        public readonly int CompareTo(V6Route other)
        {
            int c = Network.CompareTo(other.Network);
            if (c != 0)
            {
                return c;
            }

            c = Length.CompareTo(other.Length);
            return c != 0 ? c : NextHop.CompareTo(other.NextHop);
        }
    }
}
