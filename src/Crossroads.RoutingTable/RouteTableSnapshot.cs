using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.State;

namespace Crossroads.RoutingTable;

/// <summary>
/// One immutable state of the table. Every read of a request goes to one snapshot, so it sees the table
/// before or after an update, never a mix. A lookup is FIB leaf → route, plus, for prefixes with several
/// routes, one read of this snapshot's winner offsets (a flat byte array: small enough to copy per update,
/// flat so the hot path has no extra dependent load).
/// </summary>
public sealed class RouteTableSnapshot
{
    private readonly RouteSet _set;
    private readonly PersistentIntArray _metrics;
    private readonly byte[] _winnerOffsets;

    // The FIBs again, one hop closer: the hot path loads these fields on every lookup.
    private readonly Fib.PoptrieFib _v4;
    private readonly Fib.PoptrieFib _v6;

    internal RouteTableSnapshot(RouteSet set, PersistentIntArray metrics, byte[] winnerOffsets, long version, int maxMetric)
    {
        _set = set;
        _v4 = set.V4;
        _v6 = set.V6;
        _metrics = metrics;
        _winnerOffsets = winnerOffsets;
        Version = version;
        MaxMetric = maxMetric;
    }

    /// <summary>Increases by one with every applied update.</summary>
    public long Version { get; }

    /// <summary>The largest valid metric; routes load with it.</summary>
    public int MaxMetric { get; }

    /// <summary>Number of distinct (prefix, next hop) routes.</summary>
    public int RouteCount => _set.RouteCount;

    /// <summary>Number of distinct prefixes.</summary>
    public int PrefixCount => _set.PrefixCount;

    /// <summary>Number of IPv4 routes.</summary>
    public int V4RouteCount => _set.RouteStart[_set.V4PrefixCount + 1];

    /// <summary>Bytes held by the compiled lookup structures (IPv4, IPv6).</summary>
    public (long V4, long V6) FibMemoryBytes => (_set.V4.MemoryBytes, _set.V6.MemoryBytes);

    internal RouteSet Set => _set;

    internal PersistentIntArray Metrics => _metrics;

    internal byte[] WinnerOffsets => _winnerOffsets;

    /// <summary>The index of the route an IPv4 address resolves to, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LookupV4(uint address) => Resolve(_v4.LookupV4(address));

    /// <summary>The index of the route an IPv6 address (as two 64-bit halves) resolves to, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LookupV6(ulong high, ulong low) => Resolve(_v6.Lookup(high, low));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Resolve(int leaf)
    {
        // Branch-free on purpose: whether a prefix has several routes is a coin flip per random address, and a
        // mispredicted branch costs more than the extra (cached) byte load done for single-route prefixes.
        // Single-route prefixes read slot 0 (always in L1, always 0) instead of a random slot.
        int firstPlusOne = leaf & ~RouteSet.MultiFlag;
        return firstPlusOne - 1 + Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_winnerOffsets), WinnerSlotOfLeaf(leaf));
    }

    // RouteSet.WinnerSlot of the leaf's first route for a prefix with several routes, else 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WinnerSlotOfLeaf(int leaf) => (((leaf & ~RouteSet.MultiFlag) >> 1) + 1) & -(leaf >> 30);

    /// <summary>The route of a prefix that lookups currently return.</summary>
    internal int Winner(int prefixId)
    {
        int first = _set.RouteStart[prefixId];
        return first + (_set.HasSeveralRoutes(prefixId) ? _winnerOffsets[RouteSet.WinnerSlot(first)] : 0);
    }

    /// <summary>Resolves many IPv4 addresses; <paramref name="routes"/> receives route indices or -1.</summary>
    /// <remarks>
    /// Chunk by chunk: the FIB turns a chunk into leaves with software prefetching
    /// (<see cref="Fib.PoptrieFib.LookupV4Prefetched"/>), then <see cref="ResolveChunk"/> turns the leaves, still in
    /// L1, into routes.
    /// </remarks>
    public void LookupV4(ReadOnlySpan<uint> addresses, Span<int> routes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(routes.Length, addresses.Length, nameof(routes));
        for (int start = 0; start < addresses.Length; start += BulkChunk)
        {
            int count = Math.Min(BulkChunk, addresses.Length - start);
            Span<int> chunk = routes.Slice(start, count);
            _v4.LookupV4Prefetched(addresses.Slice(start, count), chunk);
            ResolveChunk(chunk);
        }
    }

    /// <summary>Resolves many IPv6 addresses; <paramref name="routes"/> receives route indices or -1.</summary>
    /// <remarks>As <see cref="LookupV4(ReadOnlySpan{uint}, Span{int})"/>, with only the FIB's first level prefetched.</remarks>
    public void LookupV6(ReadOnlySpan<UInt128> addresses, Span<int> routes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(routes.Length, addresses.Length, nameof(routes));
        for (int start = 0; start < addresses.Length; start += BulkChunk)
        {
            int count = Math.Min(BulkChunk, addresses.Length - start);
            Span<int> chunk = routes.Slice(start, count);
            _v6.LookupPrefetched(addresses.Slice(start, count), chunk);
            ResolveChunk(chunk);
        }
    }

    // Leaves of a bulk chunk into routes, prefetching the winner offset a few leaves ahead: for a prefix with several
    // routes that byte is one more likely cache miss, which the single lookup cannot hide.
    private unsafe void ResolveChunk(Span<int> chunk)
    {
        const int D = WinnerPrefetchDistance;
        int i = 0;
        if (Sse.IsSupported)
        {
            fixed (byte* winners = _winnerOffsets)
            {
                for (; i < chunk.Length - D; i++)
                {
                    Sse.Prefetch0(winners + WinnerSlotOfLeaf(chunk[i + D]));
                    chunk[i] = Resolve(chunk[i]);
                }
            }
        }

        for (; i < chunk.Length; i++)
        {
            chunk[i] = Resolve(chunk[i]);
        }
    }

    // Addresses per bulk chunk: their leaves (4 KiB) stay in L1 between the FIB pass and the resolve pass.
    private const int BulkChunk = 1024;

    private const int WinnerPrefetchDistance = 16;

    /// <summary>The index of the route an address resolves to, or -1.</summary>
    public int LookupIndex(IpAddress address) =>
        address.IsV6
            ? LookupV6((ulong)(address.Value >> 64), (ulong)address.Value)
            : LookupV4((uint)address.Value);

    /// <summary>Finds the route an address resolves to: longest prefix, then lowest metric, then lowest next hop.</summary>
    public bool TryLookup(IpAddress address, out Route route)
    {
        int index = LookupIndex(address);
        route = index >= 0 ? GetRoute(index) : default;
        return index >= 0;
    }

    /// <summary>The route with the given index (0 ≤ index &lt; <see cref="RouteCount"/>).</summary>
    public Route GetRoute(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)RouteCount, nameof(index));
        int prefixId = _set.PrefixOfRoute(index);
        return new Route(_set.Prefix(prefixId), _set.NextHops[_set.RouteNextHop[index]], _metrics[index], Winner(prefixId) == index);
    }

    /// <summary>The prefix of a route (what a lookup answer shows), without reading its metric or winner state.</summary>
    public IpPrefix GetRoutePrefix(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)RouteCount, nameof(index));
        return _set.Prefix(_set.PrefixOfRoute(index));
    }

    /// <summary>The next hop of a route as text (cached: there are few distinct next hops).</summary>
    public string NextHopText(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)RouteCount, nameof(index));
        return _set.NextHopText[_set.RouteNextHop[index]];
    }

    /// <summary>Every route whose prefix contains the address, in preference order (the first one wins).</summary>
    public IReadOnlyList<Route> Explain(IpAddress address)
    {
        var routes = new List<Route>();
        int route = LookupIndex(address);
        for (int prefixId = route < 0 ? 0 : _set.PrefixOfRoute(route); prefixId != 0; prefixId = _set.Parent[prefixId])
        {
            var prefix = _set.Prefix(prefixId);
            int winner = Winner(prefixId);
            int start = _set.RouteStart[prefixId];
            int end = _set.RouteStart[prefixId + 1];
            // Routes of a prefix are stored by next hop; a stable sort by metric gives (metric, next hop).
            routes.AddRange(Enumerable.Range(start, end - start)
                .Select(r => new Route(prefix, _set.NextHops[_set.RouteNextHop[r]], _metrics[r], r == winner))
                .OrderBy(static r => r.Metric));
        }

        return routes;
    }

    /// <summary>One exact update per route whose metric differs from <see cref="MaxMetric"/>: the snapshot's metrics in short.</summary>
    public IReadOnlyList<MetricUpdate> ChangedRoutes()
    {
        var changed = new List<MetricUpdate>();
        for (int prefixId = 1; prefixId <= _set.PrefixCount; prefixId++)
        {
            int end = _set.RouteStart[prefixId + 1];
            for (int r = _set.RouteStart[prefixId]; r < end; r++)
            {
                int metric = _metrics[r];
                if (metric != MaxMetric)
                {
                    changed.Add(new MetricUpdate(_set.Prefix(prefixId), _set.NextHops[_set.RouteNextHop[r]], metric, MatchKind.Exact));
                }
            }
        }

        return changed;
    }

    /// <summary>Route indices [first, end) selected by a prefix: its own routes (exact) or also those inside it (orlonger).</summary>
    public (int First, int End) FindRoutes(IpPrefix prefix, MatchKind match)
    {
        if (match == MatchKind.Exact)
        {
            int id = _set.FindPrefix(prefix);
            return id == 0 ? (0, 0) : (_set.RouteStart[id], _set.RouteStart[id + 1]);
        }

        (int first, int end) = _set.FindCovered(prefix);
        return (_set.RouteStart[first], _set.RouteStart[end]);
    }
}
