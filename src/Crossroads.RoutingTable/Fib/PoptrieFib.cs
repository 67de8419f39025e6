using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Crossroads.RoutingTable.Fib;

/// <summary>
/// Forwarding structure (IPv4 and IPv6) after Poptrie (Asai and Ohara, SIGCOMM 2015): a direct table on the top
/// 18 bits, then 6-bit strides through nodes that keep their children and leaves in dense arrays indexed by
/// popcount over 64-bit bitmaps. Nodes are 24 bytes and leaves are run-length compressed, so the full
/// IPv6 table stays within a few MiB and its upper levels stay in cache.
/// Leaves hold caller-chosen non-negative values (0 = no route). IPv4 uses the same code with the
/// address in the top 32 bits of the key: its few MiB beat a 64 MiB DIR-24-8 table on random addresses.
/// <para>
/// One departure from the paper: a first-level node whose 64 slots are all leaves (in IPv4, a /18 holding
/// /19../24 prefixes: most of the table) is stored as a plain 64-entry block, so an address inside such a
/// prefix costs two dependent loads instead of three plus a popcount. Measured on the full table this took
/// IPv4 lookups inside prefixes from ~90 to ~130 M/s (BenchmarkDotNet) for ~8 MiB more.
/// </para>
/// </summary>
internal sealed class PoptrieFib
{
    private const int Stride = 6;
    // A table entry: >= 0 a leaf value; NodeFlag | start: a leaf block at that index of the same table;
    // NodeFlag | NodeBit | index: an internal node.
    private const int NodeFlag = int.MinValue;
    private const int NodeBit = 1 << 30;
    private const int IndexMask = NodeBit - 1;
    // Only in the bulk lookups' direct entries (see _bulkDirect): NodeFlag | UniformBit | index, a "block" of one slot
    // holding a route's value that the single lookups' direct entry holds itself; every address of it reads that slot.
    private const int UniformBit = 1 << 29;
    private const int BlockIndexMask = UniformBit - 1;

    // One cache line whose last int is the rewrite generation (see Generation), then the direct entries, then the
    // 64-entry leaf blocks: one array, so a block entry holds the index of its block from the first direct entry and
    // the common two-load walk needs one base and a mask, no shift or second base; and a lookup that holds the
    // table's address reads the generation at a constant offset from it, without loading this object first.
    private readonly int[] _storage;
    private readonly unsafe int* _tablePointer;

    // IPv4 bulk lookups' own copy of the direct entries, or null: routed leaves there are uniform entries into a pool
    // at the end of the table, so each address goes through the same stages and the staged loop does not mispredict
    // the leaf-or-block branch on the mix of both (in-process A/B: bulk random 1.31×, inside 1.03×; against rte_lpm
    // bulk random went from 1.79× to 2.37×). Single lookups keep the leaves in their direct entries: for them the
    // second, dependent load cost more than the branch (0.74× random, 0.79× inside with uniform entries there too).
    private readonly int[]? _bulkDirect;
    private readonly unsafe int* _bulkDirectPointer;
    private readonly int _directLength;
    private readonly Node[] _nodes;
    private readonly int[] _leaves;

    private readonly int _directShift;
    private readonly int _firstNodeShift;

    // The last generation published (the current one is in _storage, see Generation).
    private int _lastGeneration;
    private bool _abandoned;

    private PoptrieFib(int directBits, int[] table, int[]? bulkDirect, Node[] nodes, int[] leaves)
    {
        _bulkDirect = bulkDirect;
        _directShift = 64 - directBits;
        _firstNodeShift = 64 - directBits - Stride;
        _directLength = 1 << directBits;
        _storage = table;
        _nodes = nodes;
        _leaves = leaves;
        unsafe
        {
            // The builder allocates the table on the pinned object heap, and rewrites change it in place.
            _tablePointer = (int*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table), Header));
            _bulkDirectPointer = bulkDirect is null ? _tablePointer : (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(bulkDirect));
        }
    }

    /// <summary>
    /// The rewrite generation the leaves are at, or -1 while <see cref="Rewriter"/> is changing them. A reader that
    /// walked the FIB and then reads the generation it expected knows that every leaf it read was of that
    /// generation: the rewriter marks the FIB before its first store (and waits for every thread to see the mark).
    /// </summary>
    public int Generation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _storage[Header + GenerationOffset]);
    }

    /// <summary>
    /// Ints before the first direct entry: one cache line, so the direct entries keep their alignment and a writer
    /// storing the generation shares a line with no entry.
    /// </summary>
    internal const int Header = 16;

    /// <summary>Where the generation is, counted from <see cref="TablePointer"/>: <c>Volatile.Read(ref table[GenerationOffset])</c>.</summary>
    public const int GenerationOffset = -1;

    // The table from the first direct entry (for the rewrites; lookups use _tablePointer or the same offset).
    private Span<int> Table => _storage.AsSpan(Header);

    /// <summary>Number of internal nodes.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>Number of compressed leaves.</summary>
    public int LeafCount => _leaves.Length;

    /// <summary>Number of 64-entry leaf blocks (first-level nodes without children).</summary>
    public int BlockCount => (_storage.Length - Header - _directLength) / 64;

    /// <summary>Whether bulk IPv4 lookups read their own direct entries (built with <c>uniformBulkLeaves</c>).</summary>
    public bool HasBulkDirect => _bulkDirect is not null;

    /// <summary>Bytes held by the structure.</summary>
    public long MemoryBytes =>
        ((long)_storage.Length * sizeof(int)) + ((long)(_bulkDirect?.Length ?? 0) * sizeof(int))
        + ((long)_nodes.Length * Unsafe.SizeOf<Node>())
        + ((long)_leaves.Length * sizeof(int));

    /// <summary>
    /// Builds from prefixes sorted by (network, length) with networks left-aligned in 128 bits;
    /// an address matching prefix i as its longest match looks up <paramref name="values"/>[i].
    /// </summary>
    /// <remarks>
    /// <c>uniformBulkLeaves</c> (IPv4): also build the direct entries <see cref="LookupV4Prefetched"/> reads, where a
    /// route's value (not 0) becomes a uniform entry into a pool of one slot per distinct value (4 bytes each) after
    /// the blocks. Costs a second copy of the direct entries (1 MiB with 18 direct bits) and the pool.
    /// </remarks>
    public static PoptrieFib Build(UInt128[] networks, byte[] lengths, int[] values, int directBits, bool uniformBulkLeaves = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(directBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(directBits, 24);
        if (networks.Length != lengths.Length || networks.Length != values.Length)
        {
            throw new ArgumentException("networks, lengths and values must have the same length.", nameof(values));
        }

        return new Builder(networks, lengths, values, directBits, uniformBulkLeaves).Build();
    }

    /// <summary>The value of the longest prefix containing the left-aligned address, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(UInt128 address) => Lookup((ulong)(address >> 64), (ulong)address);

    /// <summary>The value of the longest prefix containing the address given as two halves, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(ulong high, ulong low)
    {
        ref int table = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_storage), Header);
        int entry = Unsafe.Add(ref table, (nint)(high >> _directShift));
        if (entry >= 0)
        {
            return entry;
        }

        if ((entry & NodeBit) == 0)
        {
            return Unsafe.Add(ref table, (nint)(uint)(entry & int.MaxValue) + (nint)((high >> _firstNodeShift) & 63));
        }

        return Descend(entry & IndexMask, high, low);
    }

    /// <summary>
    /// The value of the longest prefix containing an IPv4 address, for a FIB built with IPv4 networks in the top
    /// 32 bits and <see cref="V4DirectBits"/> direct bits: the same walk as <see cref="Lookup(ulong, ulong)"/> with
    /// constant shifts on a 32-bit key (fewer instructions per lookup lets the core keep more lookups in flight).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LookupV4(uint address)
    {
        ref int table = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_storage), Header);
        int entry = Unsafe.Add(ref table, (nint)(address >> (32 - V4DirectBits)));
        if (entry >= 0)
        {
            return entry;
        }

        if ((entry & NodeBit) == 0)
        {
            return Unsafe.Add(ref table, (nint)(uint)(entry & int.MaxValue) + (nint)((address >> (32 - V4DirectBits - Stride)) & 63));
        }

        return Descend(entry & IndexMask, (ulong)address << 32, 0);
    }

    /// <summary>
    /// The first table entry, for <see cref="DirectEntryV4"/>. The table is pinned and never replaced (rewrites
    /// change it in place), so the pointer is valid as long as this FIB is reachable: keep a reference beside it.
    /// </summary>
    public unsafe int* TablePointer => _tablePointer;

    /// <summary>
    /// The walk of <see cref="LookupV4(uint)"/> in parts, for a caller that keeps <see cref="TablePointer"/>: a lookup
    /// then loads no field of this object and the table needs no null or bounds check, so the in-prefix path is two
    /// loads and a few instructions — what bounds single lookups whose entries are in cache. The direct entry of
    /// <paramref name="address"/>: a leaf value (≥ 0), or a block or node entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int DirectEntryV4(int* table, uint address) => table[address >> (32 - V4DirectBits)];

    /// <summary>Whether a negative direct entry is a leaf block (else an internal node, for <see cref="DescendV4"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsBlock(int entry) => (entry & NodeBit) == 0;

    /// <summary>The leaf value of <paramref name="address"/> in the block of direct entry <paramref name="blockEntry"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int BlockLeafV4(int* table, int blockEntry, uint address) =>
        table[(uint)(blockEntry & int.MaxValue) + ((address >> (32 - V4DirectBits - Stride)) & 63)];

    /// <summary>The leaf value of <paramref name="address"/> under a node entry of the direct table (a /25 or longer).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int DescendV4(int nodeEntry, uint address) => Descend(nodeEntry & IndexMask, (ulong)address << 32, 0);

    /// <summary>Direct bits an IPv4 FIB must be built with for <see cref="LookupV4(uint)"/>.</summary>
    public const int V4DirectBits = 18;

    /// <summary>
    /// Looks up many IPv4 addresses (this FIB built with IPv4 networks in the top 32 bits) with software
    /// prefetching. A lookup is a chain of dependent loads (direct entry, then leaf block), each a likely cache
    /// miss on the full table; run one after another, the out-of-order core overlaps only the few lookups that
    /// fit its window. Here the stages of different addresses are interleaved: the direct entry of address
    /// i + 2·<see cref="PrefetchDistance"/> is prefetched, the entry of address i + <see cref="PrefetchDistance"/>
    /// is read and its block entry prefetched, and address i is finished from cache. The direct entries are
    /// parked in <paramref name="values"/> between stages.
    /// </summary>
    public unsafe void LookupV4Prefetched(ReadOnlySpan<uint> addresses, Span<int> values)
    {
        // Checked once here: the loops below write through a raw pointer.
        ArgumentOutOfRangeException.ThrowIfLessThan(values.Length, addresses.Length, nameof(values));
        if (_directShift != 64 - V4DirectBits)
        {
            throw new InvalidOperationException($"An IPv4 FIB is built with {V4DirectBits} direct bits.");
        }

        const int D = PrefetchDistance;
        nint n = addresses.Length;
        if (!Sse.IsSupported || n < 2 * D)
        {
            for (int i = 0; i < n; i++)
            {
                values[i] = LookupV4(addresses[i]);
            }

            return;
        }

        fixed (uint* a = addresses)
        fixed (int* v = values)
        {
            int* table = _tablePointer;
            int* direct = _bulkDirectPointer;
            for (nint i = 0; i < 2 * D; i++)
            {
                Sse.Prefetch0(direct + (a[i] >> DirectShiftV4));
            }

            for (nint i = 0; i < D; i++)
            {
                v[i] = Stage(direct, table, a[i]);
            }

            // Steady state: three addresses at three stages per iteration.
            nint steady = n - (2 * D);
            for (nint i = 0; i < steady; i++)
            {
                Sse.Prefetch0(direct + (a[i + (2 * D)] >> DirectShiftV4));
                v[i + D] = Stage(direct, table, a[i + D]);
                v[i] = Finish(table, v[i]);
            }

            for (nint i = steady; i < n - D; i++)
            {
                v[i + D] = Stage(direct, table, a[i + D]);
                v[i] = Finish(table, v[i]);
            }

            for (nint i = n - D; i < n; i++)
            {
                v[i] = Finish(table, v[i]);
            }
        }
    }

    private const int DirectShiftV4 = 32 - V4DirectBits;
    private const int BlockShiftV4 = 32 - V4DirectBits - Stride;

    // Stage 2: the direct entry (prefetched earlier). A block entry becomes NodeFlag | the slot the address reads,
    // which is prefetched; an internal node (rare in IPv4: /25 and longer) is walked out of line, giving a leaf.
    // With bulk direct entries only a 0 leaf (no route) is returned here; the uniform entry's bit, spread by the
    // shifts, masks the address chunk away, so it reads its one slot without a branch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe int Stage(int* direct, int* table, uint address)
    {
        int entry = direct[address >> DirectShiftV4];
        if (entry >= 0)
        {
            return entry;
        }

        if ((entry & NodeBit) != 0)
        {
            return DescendV4(entry, address);
        }

        int slot = (entry & BlockIndexMask) + ((int)((address >> BlockShiftV4) & 63) & ~((entry << 2) >> 31));
        Sse.Prefetch0(table + slot);
        return NodeFlag | slot;
    }

    // Stage 3: leaves as they are, block slots read from cache.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int Finish(int* table, int staged) => staged >= 0 ? staged : table[staged & int.MaxValue];

    /// <summary>
    /// Looks up many left-aligned 128-bit keys, prefetching the direct entry of the key
    /// <see cref="KeyPrefetchDistance"/> places ahead. Deeper levels are not prefetched: an IPv6 lookup walks several
    /// nodes whose addresses depend on each other.
    /// </summary>
    public unsafe void LookupPrefetched(ReadOnlySpan<UInt128> keys, Span<int> values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(values.Length, keys.Length, nameof(values));
        int i = 0;
        if (Sse.IsSupported)
        {
            int* direct = _tablePointer;
            for (; i < keys.Length - KeyPrefetchDistance; i++)
            {
                Sse.Prefetch0(direct + (nint)((ulong)(keys[i + KeyPrefetchDistance] >> 64) >> _directShift));
                UInt128 key = keys[i];
                values[i] = Lookup((ulong)(key >> 64), (ulong)key);
            }
        }

        for (; i < keys.Length; i++)
        {
            UInt128 key = keys[i];
            values[i] = Lookup((ulong)(key >> 64), (ulong)key);
        }
    }

    /// <summary>
    /// How many addresses ahead <see cref="LookupV4Prefetched"/> prefetches each level. Swept in one process
    /// (alternated, full table, inside prefixes): 8 → 0.8×, 16 → 1.0×, 24–96 → 1.1–1.45× (a plateau, noisy), 128 → 1.15×;
    /// a block entry's miss takes longer than 16 lookups' work to arrive.
    /// </summary>
    public const int PrefetchDistance = 48;

    /// <summary>How many keys ahead <see cref="LookupPrefetched"/> prefetches the direct entry (IPv6).</summary>
    public const int KeyPrefetchDistance = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Descend(int nodeIndex, ulong high, ulong low)
    {
        ref Node nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        // shift is where the next 6-bit chunk ends, counted from the low end of the high half.
        int shift = _firstNodeShift;
        while (true)
        {
            ref Node node = ref Unsafe.Add(ref nodes, nodeIndex);
            int chunk = shift >= 0 ? (int)(high >> shift) & 63 : ChunkFromLow(high, low, shift);
            ulong bit = 1UL << chunk;
            // (bit << 1) - 1 keeps every slot up to and including this one; it wraps to all ones for slot 63.
            ulong upTo = (bit << 1) - 1;
            if ((node.Vector & bit) == 0)
            {
                return Unsafe.Add(
                    ref MemoryMarshal.GetArrayDataReference(_leaves),
                    node.LeafBase + BitOperations.PopCount(node.LeafStarts & upTo) - 1);
            }

            nodeIndex = node.ChildBase + BitOperations.PopCount(node.Vector & upTo) - 1;
            shift -= Stride;
        }
    }

    // Chunks past bit 64 of the address: rare (prefixes longer than /58), kept out of the inlined path.
    private static int ChunkFromLow(ulong high, ulong low, int shift)
    {
        if (shift > -Stride)
        {
            return (int)((high << -shift) | (low >> (64 + shift))) & 63;
        }

        int lowShift = 64 + shift;
        return lowShift >= 0 ? (int)(low >> lowShift) & 63 : (int)(low << -lowShift) & 63;
    }

    /// <summary>
    /// Starts changing leaf values in place (the caller serializes writers): the FIB's generation becomes -1,
    /// and a process-wide barrier makes every thread see that before the first leaf changes, so a reader
    /// needs no fence of its own to notice that its walk may have read a new value. <see cref="Rewriter.Publish"/>
    /// then announces the next generation.
    /// </summary>
    public Rewriter BeginRewrite()
    {
        Volatile.Write(ref _storage[Header + GenerationOffset], -1);
        Interlocked.MemoryBarrierProcessWide();
        return new Rewriter(this);
    }

    /// <summary>In-place leaf rewrites between <see cref="BeginRewrite"/> and <see cref="Publish"/>.</summary>
    public readonly struct Rewriter
    {
        private readonly PoptrieFib _fib;

        internal Rewriter(PoptrieFib fib) => _fib = fib;

        /// <summary>
        /// Replaces <paramref name="oldValue"/> with <paramref name="newValue"/> in every leaf the prefix is the
        /// longest match of (leaf values are unique to a prefix, so any leaf under it holding the old value is
        /// one of its own). Each store is one aligned int: a concurrent walk reads the old or the new value.
        /// </summary>
        public void Replace(UInt128 network, int length, int oldValue, int newValue) =>
            _fib.Replace(network, length, oldValue, newValue);

        /// <summary>Ends the rewrite: lookups see the next generation (none, if a rewrite was ever abandoned).</summary>
        public void Publish()
        {
            if (!_fib._abandoned)
            {
                // Non-negative and wrapping: -1 means "rewrite under way", and a server doing thousands of
                // winner-changing updates a second would pass int.MaxValue in days.
                _fib._lastGeneration = (_fib._lastGeneration + 1) & int.MaxValue;
                Volatile.Write(ref _fib._storage[Header + GenerationOffset], _fib._lastGeneration);
            }
        }

        /// <summary>
        /// Ends a rewrite that failed part way: its leaves may mix two states, so the generation stays -1 for good
        /// and every snapshot answers from its own winners (a leaf still names a route of its prefix).
        /// </summary>
        public void Abandon() => _fib._abandoned = true;
    }

    private void Replace(UInt128 network, int length, int oldValue, int newValue)
    {
        int directBits = 64 - _directShift;
        int slot = (int)(network >> (128 - directBits));
        if (length <= directBits)
        {
            int count = 1 << (directBits - length);
            for (int s = slot; s < slot + count; s++)
            {
                ReplaceInEntry(ref Table[s], oldValue, newValue);
                if (_bulkDirect is not null && (_bulkDirect[s] & (NodeFlag | UniformBit)) == (NodeFlag | UniformBit))
                {
                    // Direct entries of one value share a pool slot: the first of them replaces it, the rest find it done.
                    ReplaceIn(Table.Slice(_bulkDirect[s] & BlockIndexMask, 1), oldValue, newValue);
                }
            }

            return;
        }

        int entry = Table[slot];
        if (entry >= 0)
        {
            throw new InvalidOperationException($"No FIB node below the direct entry of a /{length}.");
        }

        if ((entry & NodeBit) == 0)
        {
            // A block is a first-level node without children: the prefix is at most directBits + Stride long.
            if (length > directBits + Stride)
            {
                throw new InvalidOperationException($"A /{length} cannot end in a leaf block.");
            }

            int first = (entry & int.MaxValue) + Chunk(network, directBits);
            ReplaceIn(Table.Slice(first, 1 << (directBits + Stride - length)), oldValue, newValue);
            return;
        }

        ReplaceInNode(entry & IndexMask, directBits, network, length, oldValue, newValue);
    }

    private void ReplaceInEntry(ref int entry, int oldValue, int newValue)
    {
        if (entry >= 0)
        {
            if (entry == oldValue)
            {
                entry = newValue;
            }
        }
        else if ((entry & NodeBit) == 0)
        {
            ReplaceIn(Table.Slice(entry & int.MaxValue, 64), oldValue, newValue);
        }
        else
        {
            ReplaceInSubtree(entry & IndexMask, oldValue, newValue);
        }
    }

    private void ReplaceInNode(int nodeIndex, int depth, UInt128 network, int length, int oldValue, int newValue)
    {
        while (length > depth + Stride)
        {
            Node node = _nodes[nodeIndex];
            ulong bit = 1UL << Chunk(network, depth);
            if ((node.Vector & bit) == 0)
            {
                throw new InvalidOperationException($"No FIB node on the path of a /{length} at depth {depth}.");
            }

            nodeIndex = node.ChildBase + BitOperations.PopCount(node.Vector & ((bit << 1) - 1)) - 1;
            depth += Stride;
        }

        Node last = _nodes[nodeIndex];
        int firstSlot = Chunk(network, depth);
        for (int s = firstSlot; s < firstSlot + (1 << (depth + Stride - length)); s++)
        {
            ulong bit = 1UL << s;
            ulong upTo = (bit << 1) - 1;
            if ((last.Vector & bit) != 0)
            {
                ReplaceInSubtree(last.ChildBase + BitOperations.PopCount(last.Vector & upTo) - 1, oldValue, newValue);
            }
            else
            {
                ref int leaf = ref _leaves[last.LeafBase + BitOperations.PopCount(last.LeafStarts & upTo) - 1];
                if (leaf == oldValue)
                {
                    leaf = newValue;
                }
            }
        }
    }

    private void ReplaceInSubtree(int nodeIndex, int oldValue, int newValue)
    {
        Node node = _nodes[nodeIndex];
        ReplaceIn(_leaves.AsSpan(node.LeafBase, BitOperations.PopCount(node.LeafStarts)), oldValue, newValue);
        int children = BitOperations.PopCount(node.Vector);
        for (int c = 0; c < children; c++)
        {
            ReplaceInSubtree(node.ChildBase + c, oldValue, newValue);
        }
    }

    private static void ReplaceIn(Span<int> leaves, int oldValue, int newValue)
    {
        for (int i = 0; i < leaves.Length; i++)
        {
            if (leaves[i] == oldValue)
            {
                leaves[i] = newValue;
            }
        }
    }

    // The 6-bit chunk of a left-aligned network that starts at bit `depth`.
    private static int Chunk(UInt128 network, int depth) =>
        depth + Stride <= 128
            ? (int)(network >> (128 - Stride - depth)) & 63
            : (int)(network << (depth + Stride - 128)) & 63;

    [StructLayout(LayoutKind.Sequential)]
    private struct Node
    {
        public ulong Vector;      // bit s set: slot s is an internal child
        public ulong LeafStarts;  // bit s set: slot s starts a new run of equal leaves
        public int LeafBase;
        public int ChildBase;
    }

    // The working arrays start near the sizes the full table needs (IPv4: ~44k leaf blocks for ~620k prefixes;
    // IPv6: ~84k nodes and ~306k leaves for ~180k prefixes), so they are regrown and copied at most about once, and
    // are not zeroed: only what was written is read.
    private sealed class Builder(UInt128[] networks, byte[] lengths, int[] values, int DirectBits, bool UniformBulkLeaves)
    {
        private Node[] _nodes = GC.AllocateUninitializedArray<Node>(Math.Max(1024, networks.Length / 4));
        private int _nodeCount;
        private int[] _leaves = GC.AllocateUninitializedArray<int>(Math.Max(4096, networks.Length));
        private int _leafCount;
        private int[] _blocks = GC.AllocateUninitializedArray<int>(64 * Math.Max(16, networks.Length / 16));
        private int _blockCount;

        // Optimized from the first call, as the rest of the load path: UInt128 code is left out of ReadyToRun
        // images, and at start the tiering would run these loops unoptimized.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public PoptrieFib Build()
        {
            int[] direct = new int[1 << DirectBits];
            int i = 0;
            while (i < networks.Length)
            {
                int length = lengths[i];
                int slot = (int)(networks[i] >> (128 - DirectBits));
                if (length <= DirectBits)
                {
                    Fill(direct.AsSpan(slot, 1 << (DirectBits - length)), values[i]);
                    i++;
                    continue;
                }

                // Sorted order puts every longer prefix of this slot in one run.
                int end = i + 1;
                while (end < networks.Length && (int)(networks[end] >> (128 - DirectBits)) == slot)
                {
                    end++;
                }

                int nodeIndex = Allocate(1);
                int leavesBefore = _leafCount;
                // Build first, then store: BuildNode may grow _nodes, and `_nodes[i] = BuildNode(...)` would
                // write into the array as it was before the call.
                var root = BuildNode(i, end, DirectBits, direct[slot]);
                if (root.Vector == 0)
                {
                    // No children: expand into a plain block and take back the node and its compressed leaves.
                    direct[slot] = NodeFlag | (direct.Length + (_blockCount * 64));
                    if (_blockCount * 64 == _blocks.Length)
                    {
                        _blocks = Grow(_blocks, _blocks.Length);
                    }

                    Span<int> block = _blocks.AsSpan(_blockCount++ * 64, 64);
                    for (int s = 0; s < 64; s++)
                    {
                        block[s] = _leaves[root.LeafBase + BitOperations.PopCount(root.LeafStarts & ((2UL << s) - 1)) - 1];
                    }

                    _leafCount = leavesBefore;
                    _nodeCount--;
                }
                else
                {
                    _nodes[nodeIndex] = root;
                    direct[slot] = NodeFlag | NodeBit | nodeIndex;
                }

                i = end;
            }

            int poolStart = direct.Length + (_blockCount * 64);
            int[]? bulkDirect = null;
            int[] pool = [];
            if (UniformBulkLeaves)
            {
                (bulkDirect, pool) = UniformDirect(direct, poolStart);
            }

            // Bulk lookups read block entries through BlockIndexMask (bit 29 marks uniform entries).
            if (poolStart + pool.Length > BlockIndexMask)
            {
                throw new InvalidOperationException("The FIB table outgrew the index bits of its block entries.");
            }

            int[] table = HugePages.AllocatePinned<int>(Header + poolStart + pool.Length);
            table.AsSpan(0, Header).Clear(); // generation 0
            direct.CopyTo(table, Header);
            _blocks.AsSpan(0, _blockCount * 64).CopyTo(table.AsSpan(Header + direct.Length));
            pool.CopyTo(table, Header + poolStart);
            HugePages.Advise(table);
            return new PoptrieFib(
                DirectBits,
                table,
                bulkDirect,
                HugePages.PinnedCopy<Node>(_nodes.AsSpan(0, _nodeCount)),
                HugePages.PinnedCopy<int>(_leaves.AsSpan(0, Math.Max(_leafCount, 1))));
        }

        // The bulk lookups' direct entries: one pool slot per distinct value, in the order the values first appear, so
        // the direct entries of one short prefix (a /16 spans four) share a slot and the pool stays small (IPv4 full
        // table: ~33,000 values, 130 KB) and in cache.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static (int[] BulkDirect, int[] Pool) UniformDirect(int[] direct, int poolStart)
        {
            int[] bulkDirect = HugePages.AllocatePinned<int>(direct.Length);
            var slotOf = new Dictionary<int, int>();
            var pool = new List<int>();
            for (int slot = 0; slot < direct.Length; slot++)
            {
                int entry = direct[slot];
                if (entry > 0)
                {
                    if (!slotOf.TryGetValue(entry, out int index))
                    {
                        index = poolStart + pool.Count;
                        pool.Add(entry);
                        slotOf.Add(entry, index);
                    }

                    entry = NodeFlag | UniformBit | index;
                }

                bulkDirect[slot] = entry;
            }

            return (bulkDirect, [.. pool]);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private Node BuildNode(int start, int end, int depth, int inherited)
        {
            Span<int> slots = stackalloc int[64];
            Fill(slots, inherited);
            Span<int> childStart = stackalloc int[64];
            Span<int> childEnd = stackalloc int[64];
            ulong vector = 0;
            int i = start;
            while (i < end)
            {
                int slot = Chunk(networks[i], depth);
                int length = lengths[i];
                if (length <= depth + Stride)
                {
                    // Containers sort before their contents, so painting in order leaves the longest match.
                    Fill(slots.Slice(slot, 1 << (depth + Stride - length)), values[i]);
                    i++;
                    continue;
                }

                int j = i + 1;
                while (j < end && Chunk(networks[j], depth) == slot)
                {
                    j++;
                }

                vector |= 1UL << slot;
                childStart[slot] = i;
                childEnd[slot] = j;
                i = j;
            }

            ulong leafStarts = 0;
            int leafBase = _leafCount;
            bool previousWasLeaf = false;
            int previous = 0;
            for (int slot = 0; slot < 64; slot++)
            {
                if ((vector & (1UL << slot)) != 0)
                {
                    previousWasLeaf = false;
                    continue;
                }

                if (!previousWasLeaf || slots[slot] != previous)
                {
                    leafStarts |= 1UL << slot;
                    AddLeaf(slots[slot]);
                    previous = slots[slot];
                }

                previousWasLeaf = true;
            }

            int childBase = Allocate(BitOperations.PopCount(vector));
            int child = childBase;
            for (int slot = 0; slot < 64; slot++)
            {
                if ((vector & (1UL << slot)) != 0)
                {
                    var node = BuildNode(childStart[slot], childEnd[slot], depth + Stride, slots[slot]);
                    _nodes[child] = node; // after the call: see Build()
                    child++;
                }
            }

            return new Node { Vector = vector, LeafStarts = leafStarts, LeafBase = leafBase, ChildBase = childBase };
        }

        // Span.Fill goes through a generic helper that nothing precompiles for int, so during start it ran at the
        // unoptimized first tier for every prefix; inlined here, it is optimized with its caller.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Fill(Span<int> slots, int value)
        {
            for (int i = 0; i < slots.Length; i++)
            {
                slots[i] = value;
            }
        }

        private static T[] Grow<T>(T[] items, int minimum)
        {
            var larger = GC.AllocateUninitializedArray<T>(Math.Max(items.Length * 2, minimum));
            items.CopyTo(larger, 0);
            return larger;
        }

        private int Allocate(int count)
        {
            if (_nodeCount + count > _nodes.Length)
            {
                _nodes = Grow(_nodes, _nodeCount + count);
            }

            int index = _nodeCount;
            _nodeCount += count;
            return index;
        }

        private void AddLeaf(int value)
        {
            if (_leafCount == _leaves.Length)
            {
                _leaves = Grow(_leaves, _leafCount + 1);
            }

            _leaves[_leafCount++] = value;
        }
    }
}
