using Crossroads.RoutingTable.Fib;
using Crossroads.RoutingTable.Tests.Support;

namespace Crossroads.RoutingTable.Tests.Lookup;

/// <summary>The FIB alone: the value of the longest prefix, against a linear scan.</summary>
public sealed class PoptrieFibTests
{
    [Theory]
    [InlineData(1, 50, 18)]
    [InlineData(2, 500, 18)]
    [InlineData(3, 3000, 18)] // more internal nodes than the builder's initial capacity (1024): exercises its growth
    [InlineData(4, 20000, 18)]
    [InlineData(5, 3000, 8)]  // a small first level: more levels of nodes
    [InlineData(6, 3000, 24)] // the largest first level
    public void Lookup_returns_the_value_of_the_longest_matching_prefix(int seed, int count, int directBits)
    {
        var random = new RandomRoutes(seed);
        var prefixes = new SortedSet<(UInt128 Network, byte Length)>();
        while (prefixes.Count < count)
        {
            // Long prefixes spread over many /18 slots force many internal nodes.
            int length = random.Rng.Next(4) == 0 ? random.Rng.Next(0, 129) : random.Rng.Next(19, 129);
            prefixes.Add((random.NextValue(true) & RandomRoutes.Mask(128, length), (byte)length));
        }

        UInt128[] networks = [.. prefixes.Select(static p => p.Network)];
        byte[] lengths = [.. prefixes.Select(static p => p.Length)];
        int[] values = [.. Enumerable.Range(1, prefixes.Count)];
        PoptrieFib fib = PoptrieFib.Build(networks, lengths, values, directBits);

        var byKey = new Dictionary<(UInt128, int), int>();
        for (int i = 0; i < networks.Length; i++)
        {
            byKey[(networks[i], lengths[i])] = values[i];
        }

        int failures = 0;
        string first = string.Empty;
        for (int i = 0; i < networks.Length; i++)
        {
            UInt128 last = networks[i] | RandomRoutes.HostMask(128, lengths[i]);
            foreach (UInt128 address in new[] { networks[i], last, networks[i] | (random.NextValue(true) & RandomRoutes.HostMask(128, lengths[i])) })
            {
                int expected = Naive(byKey, address);
                int got = fib.Lookup(address);
                if (got != expected && failures++ == 0)
                {
                    first = $"address 0x{address:x32}: got value {got}, expected {expected} (prefix 0x{networks[expected - 1]:x32}/{lengths[expected - 1]})";
                }
            }
        }

        Assert.True(failures == 0, $"seed {seed}, {count} prefixes, {fib.NodeCount} nodes: {failures} wrong lookups; first: {first}");
    }

    // Every possible length, longest first, in a dictionary keyed by (masked address, length).
    private static int Naive(Dictionary<(UInt128, int), int> byKey, UInt128 address)
    {
        for (int length = 128; length >= 0; length--)
        {
            if (byKey.TryGetValue((address & RandomRoutes.Mask(128, length), length), out int value))
            {
                return value;
            }
        }

        return 0;
    }
}
