using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Crossroads.RoutingTable.State;

/// <summary>
/// An immutable int array split into fixed chunks. An edit copies only the chunks it writes and the small
/// chunk directory, so a snapshot holding a million entries is replaced in microseconds while readers keep
/// using the old one without locks.
/// </summary>
internal sealed class PersistentIntArray
{
    private const int ChunkShift = 12;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly int[][] _chunks;

    public PersistentIntArray(int length, int fill)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _chunks = new int[(length + ChunkMask) >> ChunkShift][];
        for (int c = 0; c < _chunks.Length; c++)
        {
            var chunk = new int[ChunkSize];
            chunk.AsSpan().Fill(fill);
            _chunks[c] = chunk;
        }
    }

    private PersistentIntArray(int[][] chunks, int length)
    {
        _chunks = chunks;
        Length = length;
    }

    public int Length { get; }

    /// <summary>Reads an element. The index must be in range: the hot path skips bounds checks.</summary>
    public int this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            System.Diagnostics.Debug.Assert((uint)index < (uint)Length);
            int[] chunk = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_chunks), index >> ChunkShift);
            return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunk), index & ChunkMask);
        }
    }

    /// <summary>Starts a copy-on-write edit; this instance is never modified.</summary>
    public Editor Edit() => new(this);

    /// <summary>Accumulates writes and produces a new array sharing every chunk it did not touch.</summary>
    internal sealed class Editor
    {
        private readonly int[][] _chunks;
        private readonly bool[] _owned;
        private readonly int _length;

        public Editor(PersistentIntArray source)
        {
            _chunks = (int[][])source._chunks.Clone();
            _owned = new bool[_chunks.Length];
            _length = source.Length;
        }

        public int this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_length, nameof(index));
                return _chunks[index >> ChunkShift][index & ChunkMask];
            }

            set
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_length, nameof(index));
                int c = index >> ChunkShift;
                if (!_owned[c])
                {
                    _chunks[c] = (int[])_chunks[c].Clone();
                    _owned[c] = true;
                }

                _chunks[c][index & ChunkMask] = value;
            }
        }

        /// <summary>Freezes the edit. The editor must not be used afterwards.</summary>
        public PersistentIntArray ToArray() => new(_chunks, _length);
    }
}
