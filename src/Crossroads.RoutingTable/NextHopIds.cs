using System.Runtime.CompilerServices;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable;

/// <summary>
/// Next hop -> the id the builder gave it, asked once per route while the routes file is parsed. An open-addressing
/// table rather than <c>Dictionary&lt;IpAddress, int&gt;</c>: nothing precompiles the dictionary's code for this key
/// (crossgen2 leaves anything passing UInt128 to the JIT), so during start a million lookups ran it at the runtime's
/// unoptimized first tier; this one is compiled optimized at its first call. Tables have few next hops (16 in the
/// full table), so it stays small and probes are short.
/// </summary>
internal sealed class NextHopIds
{
    private IpAddress[] _keys = new IpAddress[16];
    private int[] _ids = new int[16]; // id + 1; 0 = empty slot
    private int _count;

    /// <summary>The id of <paramref name="nextHop"/>, or -1 when it has none yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(IpAddress nextHop)
    {
        int mask = _ids.Length - 1;
        for (int slot = Hash(nextHop) & mask; ; slot = (slot + 1) & mask)
        {
            int id = _ids[slot];
            if (id == 0)
            {
                return -1;
            }

            if (_keys[slot].Value == nextHop.Value && _keys[slot].IsV6 == nextHop.IsV6)
            {
                return id - 1;
            }
        }
    }

    /// <summary>Records the id of a next hop that <see cref="Find"/> did not know.</summary>
    public void Add(IpAddress nextHop, int id)
    {
        if ((_count + 1) * 2 > _ids.Length)
        {
            Grow();
        }

        Insert(_keys, _ids, nextHop, id + 1);
        _count++;
    }

    private void Grow()
    {
        var keys = new IpAddress[_keys.Length * 2];
        var ids = new int[_ids.Length * 2];
        for (int slot = 0; slot < _ids.Length; slot++)
        {
            if (_ids[slot] != 0)
            {
                Insert(keys, ids, _keys[slot], _ids[slot]);
            }
        }

        _keys = keys;
        _ids = ids;
    }

    private static void Insert(IpAddress[] keys, int[] ids, IpAddress nextHop, int storedId)
    {
        int mask = ids.Length - 1;
        int slot = Hash(nextHop) & mask;
        while (ids[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        keys[slot] = nextHop;
        ids[slot] = storedId;
    }

    // Multiplicative hash of both halves; the high bits are the well-mixed ones.
    private static int Hash(IpAddress nextHop)
    {
        ulong mixed = ((ulong)nextHop.Value ^ (ulong)(nextHop.Value >> 64) ^ (nextHop.IsV6 ? 1UL : 0UL)) * 0x9E3779B97F4A7C15UL;
        return (int)(mixed >> 33);
    }
}
