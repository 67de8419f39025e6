using System.Numerics;
using System.Security.Cryptography;

namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// Which slot the store's n-th decision takes: a permutation of 0..capacity−1, keyed at random per store. The id
/// carries its slot, and slots taken in arrival order would tell a client how many requests others made between two
/// of its own. Four Feistel rounds over the smallest even number of bits that holds capacity − 1, and cycle walking
/// (permute again until the value is below capacity) for a permutation of exactly 0..capacity−1: a few multiplications
/// per id and no table (capacity may be ten million). Hides the order from a client; not a cipher.
/// </summary>
internal sealed class SlotOrder
{
    private const int Rounds = 4;
    private readonly uint _capacity;
    private readonly int _halfBits;
    private readonly uint _halfMask;
    private readonly uint[] _keys;

    /// <summary>A permutation of 0..<paramref name="capacity"/>−1 with random keys.</summary>
    public SlotOrder(int capacity)
        : this(capacity, RandomKeys())
    {
    }

    /// <summary>A permutation with the given round keys (tests).</summary>
    public SlotOrder(int capacity, uint[] keys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfNotEqual(keys.Length, Rounds);
        _capacity = (uint)capacity;
        int bits = 32 - BitOperations.LeadingZeroCount((uint)capacity - 1);
        _halfBits = Math.Max(1, (bits + 1) / 2);
        _halfMask = (1u << _halfBits) - 1;
        _keys = keys;
    }

    /// <summary>The slot of position <paramref name="position"/> (0..capacity−1) in the ring.</summary>
    public int SlotOf(int position)
    {
        uint x = (uint)position;
        do
        {
            x = Permute(x);
        }
        while (x >= _capacity);
        return (int)x;
    }

    private uint Permute(uint x)
    {
        uint left = x >> _halfBits, right = x & _halfMask;
        foreach (uint key in _keys)
        {
            (left, right) = (right, left ^ (Mix(right ^ key) & _halfMask));
        }

        return (left << _halfBits) | right;
    }

    /// <summary>A 32-bit finalizer (MurmurHash3's): every output bit depends on every input bit.</summary>
    private static uint Mix(uint v)
    {
        v ^= v >> 16;
        v *= 0x85EBCA6B;
        v ^= v >> 13;
        v *= 0xC2B2AE35;
        v ^= v >> 16;
        return v;
    }

    private static uint[] RandomKeys()
    {
        var keys = new uint[Rounds];
        RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(keys.AsSpan()));
        return keys;
    }
}
