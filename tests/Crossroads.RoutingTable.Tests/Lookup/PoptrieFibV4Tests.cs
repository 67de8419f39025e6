using Crossroads.RoutingTable.Fib;
using Crossroads.RoutingTable.Tests.Support;

namespace Crossroads.RoutingTable.Tests.Lookup;

/// <summary>
/// The FIB's IPv4 paths — the constant-shift single lookup and the prefetching bulk lookup — against a linear
/// reference, on tables built around the structure's boundaries: /0, /18 (direct table), /19../24 (leaf blocks),
/// /25../32 (internal nodes), nested prefixes, and the first and last address of every prefix and its neighbours.
/// </summary>
public sealed class PoptrieFibV4Tests
{
    [Theory]
    [InlineData(1, 40, false)]
    [InlineData(2, 400, false)]
    [InlineData(3, 4000, false)]
    [InlineData(4, 20000, false)]
    [InlineData(1, 40, true)]  // bulk lookups on their own direct entries (routed leaves as uniform entries)
    [InlineData(2, 400, true)]
    [InlineData(3, 4000, true)]
    [InlineData(4, 20000, true)]
    public void Single_and_bulk_IPv4_lookups_return_the_value_of_the_longest_match(int seed, int count, bool uniformBulkLeaves)
    {
        var random = new RandomRoutes(seed);
        var prefixes = new SortedSet<(uint Network, byte Length)> { (0, 0) }; // a default route: everything matches
        while (prefixes.Count < count)
        {
            int length = random.Rng.Next(6) switch
            {
                0 => random.Rng.Next(0, 19),
                1 => random.Rng.Next(25, 33),
                2 => 24,
                _ => random.Rng.Next(19, 25),
            };
            uint network = (uint)random.NextValue(false);
            if (random.Rng.Next(3) == 0 && prefixes.Count > 1)
            {
                // Nested: a longer prefix inside one already chosen.
                var parent = prefixes.ElementAt(random.Rng.Next(prefixes.Count));
                length = Math.Max(length, parent.Length);
                network = parent.Network | (network & (uint)RandomRoutes.HostMask(32, parent.Length));
            }

            prefixes.Add((network & (uint)RandomRoutes.Mask(32, length), (byte)length));
        }

        // The last /32 and a /24 at the top of the space, where indexes end.
        prefixes.Add((uint.MaxValue, 32));
        prefixes.Add((0xFFFF_FF00, 24));

        var (fib, reference) = Build(prefixes, uniformBulkLeaves);
        Assert.Equal(uniformBulkLeaves, fib.HasBulkDirect);
        uint[] addresses = Probes(prefixes, random);
        int[] bulk = new int[addresses.Length + 1];
        bulk[^1] = -7;
        fib.LookupV4Prefetched(addresses, bulk);

        int failures = 0;
        string first = string.Empty;
        for (int i = 0; i < addresses.Length; i++)
        {
            int expected = reference(addresses[i]);
            int single = fib.LookupV4(addresses[i]);
            int general = fib.Lookup((UInt128)addresses[i] << 96);
            if ((single != expected || bulk[i] != expected || general != expected) && failures++ == 0)
            {
                first = $"{FormatV4(addresses[i])}: single {single}, bulk {bulk[i]}, generic {general}, expected {expected}";
            }
        }

        Assert.True(failures == 0, $"seed {seed}: {failures} of {addresses.Length} lookups differ; first: {first}");
        Assert.Equal(-7, bulk[^1]); // room past the input is left alone
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2 * PoptrieFib.PrefetchDistance - 1, false)] // too short for the pipeline: plain lookups
    [InlineData(2 * PoptrieFib.PrefetchDistance, false)]     // the shortest pipelined batch
    [InlineData((2 * PoptrieFib.PrefetchDistance) + 1, false)]
    [InlineData(1000, false)]
    [InlineData(2 * PoptrieFib.PrefetchDistance - 1, true)]
    [InlineData(2 * PoptrieFib.PrefetchDistance, true)]
    [InlineData(1000, true)]
    public void Bulk_lookups_of_any_length_equal_single_lookups(int length, bool uniformBulkLeaves)
    {
        var random = new RandomRoutes(length + 11);
        var prefixes = new SortedSet<(uint Network, byte Length)>();
        while (prefixes.Count < 3000)
        {
            int bits = random.Rng.Next(8, 33);
            prefixes.Add(((uint)random.NextValue(false) & (uint)RandomRoutes.Mask(32, bits), (byte)bits));
        }

        var (fib, _) = Build(prefixes, uniformBulkLeaves);
        uint[] addresses = [.. Enumerable.Range(0, length).Select(i => i % 2 == 0
            ? (uint)random.NextValue(false)
            : prefixes.ElementAt(random.Rng.Next(prefixes.Count)).Network | (uint)random.Rng.Next(256))];
        int[] bulk = new int[length];
        fib.LookupV4Prefetched(addresses, bulk);
        Assert.Equal(addresses.Select(fib.LookupV4), bulk);
        if (length > 0)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => fib.LookupV4Prefetched(addresses, new int[length - 1]));
        }
    }

    private static (PoptrieFib Fib, Func<uint, int> Reference) Build(SortedSet<(uint Network, byte Length)> prefixes, bool uniformBulkLeaves)
    {
        UInt128[] networks = [.. prefixes.Select(static p => (UInt128)p.Network << 96)];
        byte[] lengths = [.. prefixes.Select(static p => p.Length)];
        int[] values = [.. Enumerable.Range(1, prefixes.Count)];
        var fib = PoptrieFib.Build(networks, lengths, values, PoptrieFib.V4DirectBits, uniformBulkLeaves);
        var byKey = new Dictionary<(uint, int), int>();
        int v = 1;
        foreach (var p in prefixes)
        {
            byKey[(p.Network, p.Length)] = v++;
        }

        int Reference(uint address)
        {
            for (int length = 32; length >= 0; length--)
            {
                if (byKey.TryGetValue((address & (uint)RandomRoutes.Mask(32, length), length), out int value))
                {
                    return value;
                }
            }

            return 0;
        }

        return (fib, Reference);
    }

    // First and last address of every prefix, the addresses just outside it, and a random one inside.
    private static uint[] Probes(SortedSet<(uint Network, byte Length)> prefixes, RandomRoutes random)
    {
        var probes = new List<uint>();
        foreach (var (network, length) in prefixes)
        {
            uint last = network | (uint)RandomRoutes.HostMask(32, length);
            probes.Add(network);
            probes.Add(last);
            probes.Add(network - 1);
            probes.Add(last + 1);
            probes.Add(network | ((uint)random.NextValue(false) & (uint)RandomRoutes.HostMask(32, length)));
        }

        // Shuffled, so that the bulk pipeline sees unrelated neighbours.
        var array = probes.ToArray();
        random.Rng.Shuffle(array);
        return array;
    }

    private static string FormatV4(uint address) => $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}";
}
