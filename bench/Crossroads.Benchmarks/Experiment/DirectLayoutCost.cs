using System.Globalization;
using System.Runtime.CompilerServices;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Fib;

namespace Crossroads.Benchmarks.Experiment;

/// <summary>
/// `direct-layout ROUTES [ROUNDS] [SECONDS]`: would a different split of the IPv4 address between the direct table and
/// the leaf blocks make single in-prefix lookups faster? Builds, from the FIB, tables with k direct bits and blocks of
/// 2^(24-k) entries down to /24 (k = 16: 256 KiB of direct entries that stay in L2, 1 KiB blocks; k = 20: 4 MiB, blocks
/// of one cache line; k = 24: DPDK's tbl24, 64 MiB), a /24 holding a longer prefix falling back to the FIB. None of
/// them checks a generation, so each is compared with the current walk without its check (and with the public lookup),
/// alternated round by round in one process, thread CPU time. An experiment: nothing here is used by the server.
/// </summary>
internal static unsafe class DirectLayoutCost
{
    private const int Leaf24Fallback = int.MinValue | (1 << 30);

    public static int Run(string[] args)
    {
        var (table, snapshot, fib, random, inside, rounds, seconds) = LookupExperiment.Load(args);

        int[] per24 = Per24(snapshot, fib);
        var d16 = Layout.Build(per24, 16, fib);
        var d20 = Layout.Build(per24, 20, fib);
        var d24 = Layout.Build(per24, 24, fib);
        var d18 = Layout.Build(per24, 18, fib);
        var d19 = Layout.Build(per24, 19, fib);
        var d21 = Layout.Build(per24, 21, fib);
        var d22 = Layout.Build(per24, 22, fib);
        foreach (var layout in new[] { d16, d18, d19, d20, d21, d22, d24 })
        {
            Console.WriteLine(FormattableString.Invariant($"{layout.DirectBits} direct bits: {layout.Storage.Length * 4L / (1 << 20),4} MiB, {layout.Blocks} blocks"));
        }

        var noCheck = new NoCheckLookup(fib);
        foreach (var addresses in new[] { inside, random })
        {
            for (int i = 0; i < addresses.Length; i++)
            {
                int answer = snapshot.LookupV4(addresses[i]);
                if (answer != noCheck.LookupV4(addresses[i]) || answer != new Split<Bits16>(d16).LookupV4(addresses[i])
                    || answer != new Split<Bits20>(d20).LookupV4(addresses[i]) || answer != new Split<Bits24>(d24).LookupV4(addresses[i]))
                {
                    throw new InvalidOperationException("The layouts disagree at address " + i.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        var variants = new (string Name, Func<uint[], long> Pass)[]
        {
            ("current", a => AlternatedPasses.Loop(new Public(snapshot), a)),
            ("no-check", a => AlternatedPasses.Loop(noCheck, a)),
            ("d16", a => AlternatedPasses.Loop(new Split<Bits16>(d16), a)),
            ("d18", a => AlternatedPasses.Loop(new Split<Bits18>(d18), a)),
            ("d19", a => AlternatedPasses.Loop(new Split<Bits19>(d19), a)),
            ("d21", a => AlternatedPasses.Loop(new Split<Bits21>(d21), a)),
            ("d22", a => AlternatedPasses.Loop(new Split<Bits22>(d22), a)),
            ("d20", a => AlternatedPasses.Loop(new Split<Bits20>(d20), a)),
            ("d24", a => AlternatedPasses.Loop(new Split<Bits24>(d24), a)),
        };
        AlternatedPasses.RunAndReport(variants, [("inside", inside), ("random", random)], rounds, seconds, "no-check");

        GC.KeepAlive(table);
        GC.KeepAlive(new[] { d16, d18, d19, d20, d21, d22, d24 }); // their pinned tables are read through raw pointers
        return 0;
    }

    // Per /24: the FIB's leaf for every address in it, or Leaf24Fallback when a longer prefix lies inside it.
    private static int[] Per24(RouteTableSnapshot snapshot, PoptrieFib fib)
    {
        var per24 = new int[1 << 24];
        var noCheck = new NoCheckLookup(fib);
        for (int i = 0; i < per24.Length; i++)
        {
            per24[i] = noCheck.LookupV4((uint)i << 8) + 1;
        }

        for (int r = 0; r < snapshot.V4RouteCount; r++)
        {
            var prefix = snapshot.GetRoute(r).Prefix;
            if (prefix.Length > 24)
            {
                per24[(uint)prefix.Network.Value >> 8] = Leaf24Fallback;
            }
        }

        return per24;
    }

    /// <summary>Direct entries on the top k bits, then blocks down to /24, in one pinned array; the FIB for /25 and longer.</summary>
    private sealed class Layout
    {
        public int[] Storage = null!;
        public int* Table;
        public int DirectBits;
        public int Blocks;
        public PoptrieFib Fib = null!;

        public static Layout Build(int[] per24, int directBits, PoptrieFib fib)
        {
            int blockBits = 24 - directBits;
            int blockSize = 1 << blockBits;
            var entries = new List<int>(1 << directBits);
            var direct = new int[1 << directBits];
            int blocks = 0;
            for (int d = 0; d < direct.Length; d++)
            {
                var slice = per24.AsSpan(d << blockBits, blockSize);
                if (blockBits > 0 && slice[0] >= 0 && !slice.ContainsAnyExcept(slice[0]))
                {
                    direct[d] = slice[0];
                    continue;
                }

                if (blockBits == 0)
                {
                    direct[d] = slice[0];
                    continue;
                }

                direct[d] = int.MinValue | (direct.Length + entries.Count);
                entries.AddRange(slice);
                blocks++;
            }

            var storage = GC.AllocateUninitializedArray<int>(direct.Length + entries.Count, pinned: true);
            direct.CopyTo(storage, 0);
            entries.CopyTo(storage, direct.Length);
            return new Layout
            {
                Storage = storage,
                Table = (int*)Unsafe.AsPointer(ref storage[0]),
                DirectBits = directBits,
                Blocks = blocks,
                Fib = fib,
            };
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public int Fallback(uint address) => new NoCheckLookup(Fib).LookupV4(address) + 1;
    }

    private interface IBits
    {
        static abstract int DirectBits { get; }
    }

    private readonly struct Bits16 : IBits
    {
        public static int DirectBits => 16;
    }

    private readonly struct Bits20 : IBits
    {
        public static int DirectBits => 20;
    }

    private readonly struct Bits18 : IBits
    {
        public static int DirectBits => 18;
    }

    private readonly struct Bits19 : IBits
    {
        public static int DirectBits => 19;
    }

    private readonly struct Bits21 : IBits
    {
        public static int DirectBits => 21;
    }

    private readonly struct Bits22 : IBits
    {
        public static int DirectBits => 22;
    }

    private readonly struct Bits24 : IBits
    {
        public static int DirectBits => 24;
    }

    // The direct bits as a type argument: each width gets its own compiled loop with constant shifts and masks.
    private readonly struct Split<TBits>(Layout layout) : IV4Lookup
        where TBits : struct, IBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address)
        {
            int* table = layout.Table;
            int shift = 32 - TBits.DirectBits;
            int entry = table[address >> shift];
            if (entry < 0)
            {
                if (shift > 8 && entry != Leaf24Fallback)
                {
                    entry = table[(uint)(entry & int.MaxValue) + ((address >> 8) & ((1u << (shift - 8)) - 1))];
                }

                if (entry < 0)
                {
                    entry = layout.Fallback(address);
                }
            }

            return entry - 1;
        }
    }

    private readonly struct Public(RouteTableSnapshot snapshot) : IV4Lookup
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LookupV4(uint address) => snapshot.LookupV4(address);
    }

}
