using System.Runtime.CompilerServices;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable;

/// <summary>Collects (prefix, next hop) pairs compactly before a table is compiled from them.</summary>
public sealed class RouteListBuilder
{
    // IPv4 routes pack into one sortable key: network (32) | length (8) | next-hop id (24).
    private const int MaxNextHops = 1 << 24;

    private readonly NextHopIds _nextHopIds = new();
    private readonly List<IpAddress> _nextHops = [];
    private ulong[] _v4;
    private V6Route[] _v6;

    /// <summary>Creates an empty builder.</summary>
    public RouteListBuilder()
        : this(1024, 256)
    {
    }

    // Sized for a known number of lines (the loader's chunks), so a chunk's arrays are not regrown and copied
    // while it is parsed. Unzeroed: only [0, count) is ever read.
    internal RouteListBuilder(int v4Capacity, int v6Capacity)
    {
        _v4 = GC.AllocateUninitializedArray<ulong>(Math.Max(v4Capacity, 16));
        _v6 = GC.AllocateUninitializedArray<V6Route>(Math.Max(v6Capacity, 16));
    }

    /// <summary>Number of pairs added, duplicates included.</summary>
    public int Count => V4Count + V6Count;

    internal int V4Count { get; private set; }

    internal int V6Count { get; private set; }

    internal IReadOnlyList<IpAddress> NextHops => _nextHops;

    internal ReadOnlySpan<ulong> V4Keys => _v4.AsSpan(0, V4Count);

    internal ReadOnlySpan<V6Route> V6Routes => _v6.AsSpan(0, V6Count);

    /// <summary>Adds a route; a repeated (prefix, next hop) pair is kept once when the table is built.</summary>
    /// <remarks>Inlined into the loader's optimized parse loop (see <see cref="Loading.RouteFileLoader"/>).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(IpPrefix prefix, IpAddress nextHop)
    {
        int nextHopId = NextHopId(nextHop);
        if (prefix.IsV6)
        {
            if (V6Count == _v6.Length)
            {
                _v6 = Grow(_v6, V6Count);
            }

            _v6[V6Count++] = new V6Route(prefix.Network.Value, prefix.Length, nextHopId);
            return;
        }

        if (V4Count == _v4.Length)
        {
            _v4 = Grow(_v4, V4Count);
        }

        _v4[V4Count++] = PackV4((uint)prefix.Network.Value, prefix.Length, nextHopId);
    }

    /// <summary>
    /// Joins builders, in order, into one holding the same pairs as a builder that was given all of them in that
    /// order (next-hop ids are renumbered): the loader parses chunks of a file on several threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once, at start: see NextHopIds
    internal static RouteListBuilder Concat(IReadOnlyList<RouteListBuilder> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        int v4 = 0;
        int v6 = 0;
        foreach (var part in parts)
        {
            v4 += part.V4Count;
            v6 += part.V6Count;
        }

        var all = new RouteListBuilder(v4, v6);
        foreach (var part in parts)
        {
            int[] ids = new int[part._nextHops.Count];
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = all.NextHopId(part._nextHops[i]);
            }

            foreach (ulong key in part.V4Keys)
            {
                all._v4[all.V4Count++] = (key & ~0xFFFFFFUL) | (uint)ids[(int)(key & 0xFFFFFF)];
            }

            foreach (var route in part.V6Routes)
            {
                all._v6[all.V6Count++] = route with { NextHop = ids[route.NextHop] };
            }
        }

        return all;
    }

    // Doubles an array keeping its first count items (the rest is never read, so it is not zeroed).
    private static T[] Grow<T>(T[] items, int count)
    {
        var larger = GC.AllocateUninitializedArray<T>(items.Length * 2);
        items.AsSpan(0, count).CopyTo(larger);
        return larger;
    }

    internal static ulong PackV4(uint network, int length, int nextHopId) =>
        ((ulong)network << 32) | ((ulong)(uint)length << 24) | (uint)nextHopId;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextHopId(IpAddress nextHop)
    {
        int id = _nextHopIds.Find(nextHop);
        if (id >= 0)
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
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the IPv6 sort at start: see NextHopIds
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
