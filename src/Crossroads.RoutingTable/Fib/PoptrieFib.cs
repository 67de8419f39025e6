using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    private const int NodeFlag = int.MinValue;
    private const int BlockFlag = 1 << 30;
    private const int IndexMask = BlockFlag - 1;

    private readonly int[] _direct;
    private readonly Node[] _nodes;
    private readonly int[] _leaves;
    private readonly int[] _blocks;

    private readonly int _directShift;
    private readonly int _firstNodeShift;

    private PoptrieFib(int directBits, int[] direct, Node[] nodes, int[] leaves, int[] blocks)
    {
        _directShift = 64 - directBits;
        _firstNodeShift = 64 - directBits - Stride;
        _direct = direct;
        _nodes = nodes;
        _leaves = leaves;
        _blocks = blocks;
    }

    /// <summary>Number of internal nodes.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>Number of compressed leaves.</summary>
    public int LeafCount => _leaves.Length;

    /// <summary>Number of 64-entry leaf blocks (first-level nodes without children).</summary>
    public int BlockCount => _blocks.Length / 64;

    /// <summary>Bytes held by the structure.</summary>
    public long MemoryBytes =>
        ((long)_direct.Length * sizeof(int)) + ((long)_nodes.Length * Unsafe.SizeOf<Node>())
        + ((long)_leaves.Length * sizeof(int)) + ((long)_blocks.Length * sizeof(int));

    /// <summary>
    /// Builds from prefixes sorted by (network, length) with networks left-aligned in 128 bits;
    /// an address matching prefix i as its longest match looks up <paramref name="values"/>[i].
    /// </summary>
    public static PoptrieFib Build(UInt128[] networks, byte[] lengths, int[] values, int directBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(directBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(directBits, 24);
        if (networks.Length != lengths.Length || networks.Length != values.Length)
        {
            throw new ArgumentException("networks, lengths and values must have the same length.", nameof(values));
        }

        return new Builder(networks, lengths, values, directBits).Build();
    }

    /// <summary>The value of the longest prefix containing the left-aligned address, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(UInt128 address) => Lookup((ulong)(address >> 64), (ulong)address);

    /// <summary>The value of the longest prefix containing the address given as two halves, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(ulong high, ulong low)
    {
        int entry = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_direct), (nint)(high >> _directShift));
        if (entry >= 0)
        {
            return entry;
        }

        if ((entry & BlockFlag) != 0)
        {
            nint slot = ((nint)(entry & IndexMask) << Stride) | (nint)((high >> _firstNodeShift) & 63);
            return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_blocks), slot);
        }

        return Descend(entry & IndexMask, high, low);
    }

    /// <summary>
    /// Looks up many addresses given as the high halves of left-aligned keys (IPv4: address &lt;&lt; 32; low
    /// halves are zero). Works in groups, one level at a time, so that a group's memory loads are independent
    /// of each other and overlap, instead of each lookup's chain of dependent loads running alone.
    /// </summary>
    public void LookupHigh(ReadOnlySpan<ulong> highs, Span<int> values)
    {
        const int Group = 32;
        ref int direct = ref MemoryMarshal.GetArrayDataReference(_direct);
        ref int blocks = ref MemoryMarshal.GetArrayDataReference(_blocks);
        for (int start = 0; start < highs.Length; start += Group)
        {
            int end = Math.Min(start + Group, highs.Length);
            for (int i = start; i < end; i++)
            {
                values[i] = Unsafe.Add(ref direct, (nint)(highs[i] >> _directShift));
            }

            for (int i = start; i < end; i++)
            {
                int entry = values[i];
                if (entry >= 0)
                {
                    continue;
                }

                ulong high = highs[i];
                values[i] = (entry & BlockFlag) != 0
                    ? Unsafe.Add(ref blocks, ((nint)(entry & IndexMask) << Stride) | (nint)((high >> _firstNodeShift) & 63))
                    : Descend(entry & IndexMask, high, 0);
            }
        }
    }

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

    [StructLayout(LayoutKind.Sequential)]
    private struct Node
    {
        public ulong Vector;      // bit s set: slot s is an internal child
        public ulong LeafStarts;  // bit s set: slot s starts a new run of equal leaves
        public int LeafBase;
        public int ChildBase;
    }

    private sealed class Builder(UInt128[] networks, byte[] lengths, int[] values, int DirectBits)
    {
        private Node[] _nodes = new Node[1024];
        private int _nodeCount;
        private int[] _leaves = new int[4096];
        private int _leafCount;
        private readonly List<int> _blocks = [];

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
                    direct.AsSpan(slot, 1 << (DirectBits - length)).Fill(values[i]);
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
                    direct[slot] = NodeFlag | BlockFlag | (_blocks.Count / 64);
                    for (int s = 0; s < 64; s++)
                    {
                        _blocks.Add(_leaves[root.LeafBase + BitOperations.PopCount(root.LeafStarts & ((2UL << s) - 1)) - 1]);
                    }

                    _leafCount = leavesBefore;
                    _nodeCount--;
                }
                else
                {
                    _nodes[nodeIndex] = root;
                    direct[slot] = NodeFlag | nodeIndex;
                }

                i = end;
            }

            return new PoptrieFib(
                DirectBits,
                direct,
                _nodes.AsSpan(0, _nodeCount).ToArray(),
                _leaves.AsSpan(0, Math.Max(_leafCount, 1)).ToArray(),
                [.. _blocks]);
        }

        private Node BuildNode(int start, int end, int depth, int inherited)
        {
            Span<int> slots = stackalloc int[64];
            slots.Fill(inherited);
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
                    slots.Slice(slot, 1 << (depth + Stride - length)).Fill(values[i]);
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

        private static int Chunk(UInt128 network, int depth) =>
            depth + Stride <= 128
                ? (int)(network >> (128 - Stride - depth)) & 63
                : (int)(network << (depth + Stride - 128)) & 63;

        private int Allocate(int count)
        {
            if (_nodeCount + count > _nodes.Length)
            {
                Array.Resize(ref _nodes, Math.Max(_nodes.Length * 2, _nodeCount + count));
            }

            int index = _nodeCount;
            _nodeCount += count;
            return index;
        }

        private void AddLeaf(int value)
        {
            if (_leafCount == _leaves.Length)
            {
                Array.Resize(ref _leaves, _leaves.Length * 2);
            }

            _leaves[_leafCount++] = value;
        }
    }
}
