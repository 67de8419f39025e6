using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.State;

namespace Crossroads.RoutingTable;

/// <summary>
/// One immutable state of the table. Every read of a request goes to one snapshot, so it sees the table
/// before or after an update, never a mix.
/// <para>
/// The FIBs are shared by every snapshot of a table and their leaves hold the winning route of the latest
/// snapshot (an update that changes a winner rewrites those leaves in place, see <see cref="SnapshotEdit"/>). A
/// lookup walks the FIB, then checks that the FIB is still at the generation this snapshot was published with;
/// if so the leaf is the answer (two dependent loads, as in DPDK's rte_lpm). If not — a snapshot a writer has
/// moved past, or a rewrite under way — the leaf still names a route of the right prefix, and this snapshot's own
/// winner offsets (a flat byte array per snapshot) say which of that prefix's routes it answers.
/// </para>
/// </summary>
public sealed class RouteTableSnapshot
{
    private readonly RouteSet _set;
    private readonly PersistentIntArray _metrics;
    private readonly byte[] _winnerOffsets;

    // The FIBs again, one hop closer: the hot path loads these fields on every lookup.
    private readonly Fib.PoptrieFib _v4;
    private readonly unsafe int* _v4Table;
    private readonly Fib.PoptrieFib _v6;

    // The FIB generations whose leaves are this snapshot's winners.
    private readonly int _v4Generation;
    private readonly int _v6Generation;

    internal RouteTableSnapshot(RouteSet set, PersistentIntArray metrics, byte[] winnerOffsets, long version, int maxMetric)
    {
        _set = set;
        _v4 = set.V4;
        _v6 = set.V6;
        _v4Generation = ExpectedGeneration(_v4);
        _v6Generation = ExpectedGeneration(_v6);
        unsafe
        {
            _v4Table = _v4.TablePointer; // valid while _v4 is reachable, as this snapshot keeps it
        }

        _metrics = metrics;
        _winnerOffsets = winnerOffsets;
        Version = version;
        MaxMetric = maxMetric;
    }

    // -1 (a rewrite was abandoned) must never match: such a FIB's leaves are nobody's winners.
    private static int ExpectedGeneration(Fib.PoptrieFib fib) => fib.Generation is var g and >= 0 ? g : int.MinValue;

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
    public unsafe int LookupV4(uint address)
    {
        int* table = _v4Table;
        int leaf = Fib.PoptrieFib.DirectEntryV4(table, address);
        if (leaf < 0)
        {
            leaf = Fib.PoptrieFib.IsBlock(leaf) ? Fib.PoptrieFib.BlockLeafV4(table, leaf, address) : DescendV4(leaf, address);
        }

        // The generation sits just before the table: read through the pointer already loaded, not through _v4.
        return Volatile.Read(ref table[Fib.PoptrieFib.GenerationOffset]) == _v4Generation ? leaf - 1 : ResolveStale(leaf);
    }

    // Kept out of the inlined path: only addresses under a /25 or longer get here.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int DescendV4(int nodeEntry, uint address) => _v4.DescendV4(nodeEntry, address);

    /// <summary>The index of the route an IPv6 address (as two 64-bit halves) resolves to, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LookupV6(ulong high, ulong low)
    {
        int leaf = _v6.Lookup(high, low);
        return _v6.Generation == _v6Generation ? leaf - 1 : ResolveStale(leaf);
    }

    // A leaf read from a FIB rewritten since this snapshot: a route of the right prefix, maybe not this snapshot's winner.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ResolveStale(int leaf) => leaf == 0 ? -1 : Winner(_set.PrefixOfRoute(leaf - 1));

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
            ResolveChunk(chunk, _v4.Generation == _v4Generation);
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
            ResolveChunk(chunk, _v6.Generation == _v6Generation);
        }
    }

    // Leaves of a bulk chunk into routes: leaf - 1 when the FIB was at this snapshot's generation for the whole chunk
    // (checked after the walk), else each through this snapshot's winners.
    private void ResolveChunk(Span<int> chunk, bool current)
    {
        if (!current)
        {
            foreach (ref int leaf in chunk)
            {
                leaf = ResolveStale(leaf);
            }

            return;
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<int>> vectors = MemoryMarshal.Cast<int, Vector<int>>(chunk);
            for (int v = 0; v < vectors.Length; v++)
            {
                vectors[v] -= Vector<int>.One;
            }

            i = vectors.Length * Vector<int>.Count;
        }

        for (; i < chunk.Length; i++)
        {
            chunk[i]--;
        }
    }

    // Addresses per bulk chunk: their leaves (4 KiB) stay in L1 between the FIB pass and the resolve pass.
    private const int BulkChunk = 1024;

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
