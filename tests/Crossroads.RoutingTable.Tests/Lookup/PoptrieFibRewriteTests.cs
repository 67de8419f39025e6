using Crossroads.RoutingTable.Fib;
using Crossroads.RoutingTable.Tests.Support;

namespace Crossroads.RoutingTable.Tests.Lookup;

/// <summary>
/// In-place leaf rewrites (how a winner change reaches the FIB): after replacing the values of random prefixes, the
/// FIB answers exactly like one compiled from scratch with the new values.
/// </summary>
public sealed class PoptrieFibRewriteTests
{
    [Theory]
    [InlineData(11, 400, 18, false, false)]
    [InlineData(12, 5000, 18, false, false)]
    [InlineData(13, 5000, 18, true, false)]
    [InlineData(14, 3000, 8, true, false)]   // more node levels under a small first level
    [InlineData(15, 3000, 24, false, false)] // short prefixes span many direct entries
    [InlineData(16, 5000, 18, false, true)]  // bulk lookups' uniform entries share a pool slot per value
    public void Rewritten_fib_answers_like_a_fib_compiled_with_the_new_values(int seed, int count, int directBits, bool v6, bool uniformBulkLeaves)
    {
        var random = new RandomRoutes(seed);
        var prefixes = new SortedSet<(UInt128 Network, byte Length)>();
        int width = v6 ? 128 : 32;
        while (prefixes.Count < count)
        {
            int length = random.NextLength(v6);
            var prefix = random.NewPrefix(v6, length);
            // Left-aligned, as the route set builds both families' FIBs.
            prefixes.Add((prefix.Network.Value << (128 - width), (byte)length));
        }

        UInt128[] networks = [.. prefixes.Select(static p => p.Network)];
        byte[] lengths = [.. prefixes.Select(static p => p.Length)];
        int[] values = [.. Enumerable.Range(1, prefixes.Count)];
        PoptrieFib fib = PoptrieFib.Build(networks, lengths, values, directBits, uniformBulkLeaves);
        int generation = fib.Generation;

        // Three rounds: values move to fresh ones and, for some prefixes, back to an earlier one.
        int next = values.Length + 1;
        for (int round = 0; round < 3; round++)
        {
            PoptrieFib.Rewriter rewriter = fib.BeginRewrite();
            Assert.Equal(-1, fib.Generation);
            for (int i = 0; i < networks.Length; i++)
            {
                if (random.Rng.Next(3) != 0)
                {
                    continue;
                }

                int replacement = round == 2 && random.Rng.Next(2) == 0 ? i + 1 : next++;
                rewriter.Replace(networks[i], lengths[i], values[i], replacement);
                values[i] = replacement;
            }

            rewriter.Publish();
            Assert.Equal(generation + round + 1, fib.Generation);

            PoptrieFib expected = PoptrieFib.Build(networks, lengths, values, directBits);
            int failures = 0;
            string first = string.Empty;
            for (int i = 0; i < networks.Length; i++)
            {
                UInt128 inside = networks[i] | (random.NextValue(true) & RandomRoutes.HostMask(128, lengths[i]));
                foreach (UInt128 address in new[] { networks[i], networks[i] | RandomRoutes.HostMask(128, lengths[i]), inside, random.NextValue(true) })
                {
                    int want = expected.Lookup(address);
                    int got = v6 ? fib.Lookup(address) : fib.LookupV4Key(address, directBits);
                    if (got != want && failures++ == 0)
                    {
                        first = $"round {round}, address 0x{address:x32}: got {got}, expected {want}";
                    }
                }
            }

            Assert.True(failures == 0, $"seed {seed}: {failures} lookups differ; first: {first}");
            if (!v6 && directBits == PoptrieFib.V4DirectBits)
            {
                // Bulk lookups over every prefix's first, last and a random address (and random ones) agree too.
                uint[] addresses = [.. networks.SelectMany((n, i) => new[]
                {
                    (uint)(n >> 96),
                    (uint)(n >> 96) | (uint)RandomRoutes.HostMask(32, lengths[i]),
                    (uint)(n >> 96) | ((uint)random.NextValue(false) & (uint)RandomRoutes.HostMask(32, lengths[i])),
                    (uint)random.NextValue(false),
                })];
                int[] bulk = new int[addresses.Length];
                fib.LookupV4Prefetched(addresses, bulk);
                int[] want = [.. addresses.Select(a => expected.Lookup((UInt128)a << 96))];
                Assert.Equal(want, bulk);
            }
        }
    }

    [Fact]
    public void An_abandoned_rewrite_never_publishes_a_generation_again()
    {
        PoptrieFib fib = PoptrieFib.Build([(UInt128)10 << 120], [8], [1], 18);
        Assert.Equal(0, fib.Generation);

        fib.BeginRewrite().Abandon();
        Assert.Equal(-1, fib.Generation);

        PoptrieFib.Rewriter later = fib.BeginRewrite();
        later.Replace((UInt128)10 << 120, 8, 1, 2);
        later.Publish();
        Assert.Equal(-1, fib.Generation);
        Assert.Equal(2, fib.Lookup((UInt128)10 << 120));
    }
}

/// <summary>IPv4 FIBs answer through their 32-bit entry point when built with its direct bits.</summary>
internal static class PoptrieFibTestExtensions
{
    public static int LookupV4Key(this PoptrieFib fib, UInt128 key, int directBits) =>
        directBits == PoptrieFib.V4DirectBits ? fib.LookupV4((uint)(key >> 96)) : fib.Lookup(key);
}
