using System.Numerics;
using System.Runtime.CompilerServices;
using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Fib;

namespace Crossroads.RoutingTable;

/// <summary>
/// The immutable shape of a table: its prefixes, the routes of each prefix and the compiled lookup
/// structures. Metric updates never change the shape (the API has no add or delete), so the FIBs are
/// built once. Prefix ids: 0 = no route, 1..V4PrefixCount are IPv4, the rest IPv6, each family sorted by
/// (network, length). Routes of prefix p are [RouteStart[p], RouteStart[p + 1]), sorted by next hop.
/// <para>
/// A FIB leaf is <c>winning route + 1</c> of its prefix (0 = no route): compiled with each prefix's first route
/// (the winner at equal metrics), rewritten in place when an update changes a winner (see
/// <see cref="State.SnapshotEdit"/>). Each snapshot also keeps its own winners: its winner offsets, indexed by
/// <c>(first route + 1) / 2 + 1</c> for prefixes with several routes, answer lookups on snapshots the FIB has
/// moved past. Two such prefixes' first routes are at least two apart, so the halved index is unique and the
/// offsets array is half the route count in bytes.
/// </para>
/// </summary>
internal sealed class RouteSet
{
    /// <summary>
    /// Bits resolved by the IPv4 FIB's first-level table. Measured against 20 and 22 bits, 18 was fastest for
    /// addresses inside prefixes and keeps the table at 1 MiB. The FIB's IPv4 lookups take it as a constant.
    /// </summary>
    public const int V4DirectBits = PoptrieFib.V4DirectBits;

    /// <summary>Bits resolved by the IPv6 FIB's first-level table (1 MiB; few IPv6 prefixes are shorter).</summary>
    public const int V6DirectBits = 18;

    /// <summary>A prefix may have at most this many routes: winner offsets are stored in a byte.</summary>
    public const int MaxRoutesPerPrefix = 256;

    // The constructor, Build and the code they run once per table are compiled optimized at their first call: they run
    // during start, while the host keeps the runtime compiling new methods, which holds every method at its unoptimized
    // first tier; and ReadyToRun leaves code using UInt128 to the JIT (RouteFileLoader says more).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RouteSet(
        uint[] v4Networks, byte[] v4Lengths, UInt128[] v6Networks, byte[] v6Lengths,
        int[] routeStart, int[] routeNextHop, IpAddress[] nextHops, int[] parent)
    {
        V4Networks = v4Networks;
        V4Lengths = v4Lengths;
        V6Networks = v6Networks;
        V6Lengths = v6Lengths;
        RouteStart = routeStart;
        RouteNextHop = routeNextHop;
        NextHops = nextHops;
        NextHopText = Array.ConvertAll(nextHops, static n => n.ToString());
        Parent = parent;
        // Route -> prefix id in one load: an HTTP lookup formats its route's prefix, and a binary search over the
        // ~800k route starts of the full table cost ~2.4 % of the server's CPU per request (cache misses). 4 bytes
        // per route (4.5 MB for the full table).
        // A loop rather than Span.Fill: most prefixes have one route, and Fill's generic helper would run
        // unoptimized at start (nothing precompiles it for int).
        RoutePrefix = GC.AllocateUninitializedArray<int>(routeNextHop.Length);
        for (int id = 1; id < routeStart.Length - 1; id++)
        {
            for (int route = routeStart[id]; route < routeStart[id + 1]; route++)
            {
                RoutePrefix[route] = id;
            }
        }

        // The two FIBs share nothing: compiled side by side, they take the time of the larger one at start.
        PoptrieFib? v4 = null;
        PoptrieFib? v6 = null;
        Parallel.Invoke(
            () => v4 = PoptrieFib.Build(Widen(v4Networks), v4Lengths, FirstRoutes(routeStart, 1, v4Networks.Length), V4DirectBits, uniformBulkLeaves: true),
            () => v6 = PoptrieFib.Build(v6Networks, v6Lengths, FirstRoutes(routeStart, 1 + v4Networks.Length, v6Networks.Length), V6DirectBits));
        V4 = v4!;
        V6 = v6!;
    }

    public uint[] V4Networks { get; }
    public byte[] V4Lengths { get; }
    public UInt128[] V6Networks { get; }
    public byte[] V6Lengths { get; }
    public int[] RouteStart { get; }
    public int[] RouteNextHop { get; }

    /// <summary>For each route index, the id of its prefix.</summary>
    public int[] RoutePrefix { get; }

    /// <summary>Distinct next hops in ascending address order, so comparing ids compares addresses.</summary>
    public IpAddress[] NextHops { get; }
    public string[] NextHopText { get; }

    /// <summary>For each prefix id, the id of the longest shorter prefix containing it (0 when none).</summary>
    public int[] Parent { get; }

    /// <summary>Length of a snapshot's winner-offset array.</summary>
    public int WinnerOffsetCount => ((RouteCount + 1) / 2) + 2;

    /// <summary>Where the winner offset of a prefix with several routes, starting at this route, lives.</summary>
    /// Slot 0 is never used, so it always holds 0 for single-route prefixes to read.
    public static int WinnerSlot(int firstRoute) => ((firstRoute + 1) >> 1) + 1;

    /// <summary>True when the prefix has several routes, so its winner depends on metrics.</summary>
    public bool HasSeveralRoutes(int prefixId) => RouteStart[prefixId + 1] - RouteStart[prefixId] > 1;
    public PoptrieFib V4 { get; }
    public PoptrieFib V6 { get; }

    public int V4PrefixCount => V4Networks.Length;
    public int PrefixCount => V4Networks.Length + V6Networks.Length;
    public int RouteCount => RouteNextHop.Length;

    public IpPrefix Prefix(int prefixId) =>
        prefixId <= V4PrefixCount
            ? IpPrefix.CreateTrusted(IpAddress.V4(V4Networks[prefixId - 1]), V4Lengths[prefixId - 1])
            : IpPrefix.CreateTrusted(IpAddress.V6(V6Networks[prefixId - 1 - V4PrefixCount]), V6Lengths[prefixId - 1 - V4PrefixCount]);

    /// <summary>The prefix id owning a route index.</summary>
    public int PrefixOfRoute(int route) => RoutePrefix[route];

    /// <summary>The FIB of the prefix's family.</summary>
    public PoptrieFib FibOf(int prefixId) => prefixId <= V4PrefixCount ? V4 : V6;

    /// <summary>The prefix's network left-aligned in 128 bits (as its FIB was built) and its length.</summary>
    public (UInt128 Network, int Length) FibKey(int prefixId) =>
        prefixId <= V4PrefixCount
            ? ((UInt128)V4Networks[prefixId - 1] << 96, V4Lengths[prefixId - 1])
            : (V6Networks[prefixId - 1 - V4PrefixCount], V6Lengths[prefixId - 1 - V4PrefixCount]);

    /// <summary>The id of the exact prefix, or 0.</summary>
    public int FindPrefix(IpPrefix prefix)
    {
        int index = LowerBound(prefix);
        int id = index + 1 + (prefix.IsV6 ? V4PrefixCount : 0);
        int count = prefix.IsV6 ? V6Networks.Length : V4Networks.Length;
        return index < count && Prefix(id) == prefix ? id : 0;
    }

    /// <summary>Prefix ids [first, end) equal to the prefix or inside it: one contiguous run in sorted order.</summary>
    public (int First, int End) FindCovered(IpPrefix prefix)
    {
        int offset = 1 + (prefix.IsV6 ? V4PrefixCount : 0);
        int first = LowerBound(prefix);
        int end = prefix.IsV6
            ? UpperBound(V6Networks, prefix.Last)
            : UpperBound(V4Networks, (uint)prefix.Last);
        return (first + offset, Math.Max(first, end) + offset);
    }

    /// <summary>Builds the shape from collected routes: interns next hops, sorts, drops duplicates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RouteSet Build(RouteListBuilder routes)
    {
        IReadOnlyList<IpAddress> hops = routes.NextHops;
        int[] order = Enumerable.Range(0, hops.Count).ToArray();
        Array.Sort(order, (a, b) => hops[a].CompareTo(hops[b]));
        int[] rank = new int[hops.Count];
        var nextHops = new IpAddress[hops.Count];
        for (int r = 0; r < order.Length; r++)
        {
            rank[order[r]] = r;
            nextHops[r] = hops[order[r]];
        }

        // Work on copies (the builder stays valid for another table or more routes), renumbered as they are copied.
        // The families sort side by side.
        ulong[] v4Keys = GC.AllocateUninitializedArray<ulong>(routes.V4Count);
        var v6Sorted = GC.AllocateUninitializedArray<RouteListBuilder.V6Route>(routes.V6Count);
        Parallel.Invoke(
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
            {
                ReadOnlySpan<ulong> keys = routes.V4Keys;
                for (int i = 0; i < keys.Length; i++)
                {
                    v4Keys[i] = (keys[i] & ~0xFFFFFFUL) | (uint)rank[(int)(keys[i] & 0xFFFFFF)];
                }

                v4Keys.AsSpan().Sort();
            },
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
            {
                ReadOnlySpan<RouteListBuilder.V6Route> v6Routes = routes.V6Routes;
                for (int i = 0; i < v6Routes.Length; i++)
                {
                    v6Sorted[i] = v6Routes[i] with { NextHop = rank[v6Routes[i].NextHop] };
                }

                SortV6(v6Sorted);
            });
        ReadOnlySpan<ulong> v4 = v4Keys;
        ReadOnlySpan<RouteListBuilder.V6Route> v6 = v6Sorted;

        int v4Prefixes = CountPrefixes<ulong>(v4, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (a, b) => a >> 24 == b >> 24, out int v4Routes);
        int v6Prefixes = CountPrefixes<RouteListBuilder.V6Route>(v6, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (a, b) => a.Network == b.Network && a.Length == b.Length, out int v6Routes);
        var v4Networks = new uint[v4Prefixes];
        var v4Lengths = new byte[v4Prefixes];
        var v6Networks = new UInt128[v6Prefixes];
        var v6Lengths = new byte[v6Prefixes];
        var routeStart = new int[v4Prefixes + v6Prefixes + 2];
        var routeNextHop = new int[v4Routes + v6Routes];

        int prefixId = 0;
        int route = 0;
        ulong previousKey = ulong.MaxValue;
        foreach (ulong key in v4)
        {
            if (key == previousKey)
            {
                continue;
            }

            if (prefixId == 0 || (key >> 24) != (previousKey >> 24))
            {
                prefixId++;
                v4Networks[prefixId - 1] = (uint)(key >> 32);
                v4Lengths[prefixId - 1] = (byte)(key >> 24);
                routeStart[prefixId] = route;
            }

            routeNextHop[route++] = (int)(key & 0xFFFFFF);
            previousKey = key;
        }

        int v6Base = prefixId;
        bool first = true;
        RouteListBuilder.V6Route previous = default;
        foreach (var entry in v6)
        {
            if (!first && entry == previous)
            {
                continue;
            }

            if (first || entry.Network != previous.Network || entry.Length != previous.Length)
            {
                prefixId++;
                v6Networks[prefixId - 1 - v6Base] = entry.Network;
                v6Lengths[prefixId - 1 - v6Base] = entry.Length;
                routeStart[prefixId] = route;
            }

            routeNextHop[route++] = entry.NextHop;
            previous = entry;
            first = false;
        }

        routeStart[prefixId + 1] = route;
        for (int id = 1; id <= prefixId; id++)
        {
            if (routeStart[id + 1] - routeStart[id] > MaxRoutesPerPrefix)
            {
                throw new InvalidOperationException(
                    $"Prefix {(id <= v6Base ? IpAddress.V4(v4Networks[id - 1]) : IpAddress.V6(v6Networks[id - 1 - v6Base]))}/"
                    + $"{(id <= v6Base ? v4Lengths[id - 1] : v6Lengths[id - 1 - v6Base])} has more than {MaxRoutesPerPrefix} next hops.");
            }
        }

        int[] parent = new int[prefixId + 1];
        Parallel.Invoke(
            () => FillParents(parent, 1, v4Networks.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (id) => IpPrefix.CreateTrusted(IpAddress.V4(v4Networks[id - 1]), v4Lengths[id - 1])),
            () => FillParents(parent, v6Base + 1, v6Networks.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (id) => IpPrefix.CreateTrusted(IpAddress.V6(v6Networks[id - 1 - v6Base]), v6Lengths[id - 1 - v6Base])));
        return new RouteSet(v4Networks, v4Lengths, v6Networks, v6Lengths, routeStart, routeNextHop, nextHops, parent);
    }

    // Introsort of the IPv6 routes, compiled optimized with the comparison inlined. Span.Sort would do the same work
    // in CoreLib's generic sort helper, which nothing precompiles for this struct (it holds a UInt128): at start it
    // ran unoptimized or through on-stack replacement for the ~250k routes of the full table.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SortV6(Span<RouteListBuilder.V6Route> items) =>
        IntroSort(items, 2 * (BitOperations.Log2((uint)Math.Max(items.Length, 1)) + 1));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void IntroSort(Span<RouteListBuilder.V6Route> items, int depthLimit)
    {
        while (items.Length > 16)
        {
            if (depthLimit-- == 0)
            {
                HeapSort(items);
                return;
            }

            int pivot = Partition(items);
            // Recurse into the smaller side, loop on the larger: the stack stays O(log n).
            if (pivot < items.Length - pivot)
            {
                IntroSort(items[..pivot], depthLimit);
                items = items[(pivot + 1)..];
            }
            else
            {
                IntroSort(items[(pivot + 1)..], depthLimit);
                items = items[..pivot];
            }
        }

        for (int i = 1; i < items.Length; i++)
        {
            var item = items[i];
            int j = i - 1;
            while (j >= 0 && Less(item, items[j]))
            {
                items[j + 1] = items[j];
                j--;
            }

            items[j + 1] = item;
        }
    }

    // Median of three as the pivot, then a Hoare-style partition that stops on equal items (so runs of equal routes
    // split evenly); returns the pivot's final index.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Partition(Span<RouteListBuilder.V6Route> items)
    {
        int hi = items.Length - 1;
        int middle = hi >> 1;
        SwapIfGreater(items, 0, middle);
        SwapIfGreater(items, 0, hi);
        SwapIfGreater(items, middle, hi);
        var pivot = items[middle];
        (items[middle], items[hi - 1]) = (items[hi - 1], items[middle]);
        int left = 0;
        int right = hi - 1;
        while (true)
        {
            while (Less(items[++left], pivot))
            {
            }

            while (Less(pivot, items[--right]))
            {
            }

            if (left >= right)
            {
                break;
            }

            (items[left], items[right]) = (items[right], items[left]);
        }

        (items[left], items[hi - 1]) = (items[hi - 1], items[left]);
        return left;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HeapSort(Span<RouteListBuilder.V6Route> items)
    {
        for (int i = (items.Length >> 1) - 1; i >= 0; i--)
        {
            SiftDown(items, i, items.Length);
        }

        for (int end = items.Length - 1; end > 0; end--)
        {
            (items[0], items[end]) = (items[end], items[0]);
            SiftDown(items, 0, end);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SiftDown(Span<RouteListBuilder.V6Route> items, int root, int length)
    {
        while (true)
        {
            int child = (2 * root) + 1;
            if (child >= length)
            {
                return;
            }

            if (child + 1 < length && Less(items[child], items[child + 1]))
            {
                child++;
            }

            if (!Less(items[root], items[child]))
            {
                return;
            }

            (items[root], items[child]) = (items[child], items[root]);
            root = child;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapIfGreater(Span<RouteListBuilder.V6Route> items, int i, int j)
    {
        if (Less(items[j], items[i]))
        {
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    // The order of V6Route.CompareTo: network, then length, then next hop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in RouteListBuilder.V6Route a, in RouteListBuilder.V6Route b) =>
        a.Network != b.Network ? a.Network < b.Network
        : a.Length != b.Length ? a.Length < b.Length
        : a.NextHop < b.NextHop;

    // The FIB leaves of prefix ids [firstId, firstId + count): each prefix's first route + 1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] FirstRoutes(int[] routeStart, int firstId, int count)
    {
        int[] leaves = GC.AllocateUninitializedArray<int>(count);
        for (int i = 0; i < leaves.Length; i++)
        {
            leaves[i] = routeStart[firstId + i] + 1;
        }

        return leaves;
    }

    // IPv4 networks as the FIB builder takes them (the top 32 of 128 bits). A loop of its own: Array.ConvertAll over
    // UInt128 has no precompiled code and would run its million iterations unoptimized at start.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static UInt128[] Widen(uint[] networks)
    {
        var wide = GC.AllocateUninitializedArray<UInt128>(networks.Length);
        for (int i = 0; i < networks.Length; i++)
        {
            wide[i] = (UInt128)networks[i] << 96;
        }

        return wide;
    }

    // Distinct routes and distinct prefixes in a sorted list (duplicates are adjacent).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountPrefixes<T>(ReadOnlySpan<T> sorted, Func<T, T, bool> samePrefix, out int routes)
        where T : IEquatable<T>
    {
        int prefixes = 0;
        routes = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (i > 0 && sorted[i].Equals(sorted[i - 1]))
            {
                continue;
            }

            routes++;
            if (i == 0 || !samePrefix(sorted[i], sorted[i - 1]))
            {
                prefixes++;
            }
        }

        return prefixes;
    }

    // Sorted order visits a container before its contents, so a stack of open containers gives each
    // prefix its nearest enclosing one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillParents(int[] parent, int firstId, int count, Func<int, IpPrefix> prefixOf)
    {
        var open = new Stack<(int Id, IpPrefix Prefix)>();
        for (int id = firstId; id < firstId + count; id++)
        {
            IpPrefix prefix = prefixOf(id);
            while (open.Count > 0 && !open.Peek().Prefix.Covers(prefix))
            {
                open.Pop();
            }

            parent[id] = open.Count > 0 ? open.Peek().Id : 0;
            open.Push((id, prefix));
        }
    }

    // Index of the first prefix not less than (network, length) within its family.
    private int LowerBound(IpPrefix prefix) =>
        prefix.IsV6
            ? LowerBound(V6Networks, V6Lengths, prefix.Network.Value, prefix.Length)
            : LowerBound(V4Networks, V4Lengths, (uint)prefix.Network.Value, prefix.Length);

    private static int LowerBound<T>(T[] networks, byte[] lengths, T network, byte length)
        where T : IComparisonOperators<T, T, bool>
    {
        int lo = 0;
        int hi = networks.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            bool less = networks[mid] < network || (networks[mid] == network && lengths[mid] < length);
            if (less)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // Index of the first prefix whose network is past the given last address.
    private static int UpperBound<T>(T[] networks, T last)
        where T : IComparisonOperators<T, T, bool>
    {
        int lo = 0;
        int hi = networks.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (networks[mid] <= last)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
