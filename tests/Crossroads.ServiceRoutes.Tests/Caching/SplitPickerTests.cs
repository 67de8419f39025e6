using Crossroads.ServiceRoutes.Caching;

namespace Crossroads.ServiceRoutes.Tests.Caching;

public sealed class SplitPickerTests
{
    private static readonly SplitKey Service = new("acme", "billing", "prod");

    [Fact]
    public void Buckets_fall_into_the_shares_in_version_order()
    {
        var weights = new SplitWeights([new("v2", 10), new("v1", 90)]);
        // A reference: bucket b belongs to the first version (ordinal order) whose cumulative weight exceeds b.
        for (int bucket = 0; bucket < 100; bucket++)
        {
            Assert.Equal(bucket < 90 ? "v1" : "v2", SplitPicker.Pick(weights, bucket));
        }
    }

    [Fact]
    public void A_sticky_key_always_gets_the_same_version_and_keys_spread_by_weight()
    {
        var split = new WeightedSplit(Service, new SplitWeights([new("v1", 70), new("v2", 30)]), 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        int v2 = 0;
        for (int i = 0; i < 10_000; i++)
        {
            string version = SplitPicker.Pick(split, $"user-{i}");
            Assert.Equal(version, SplitPicker.Pick(split, $"user-{i}"));
            v2 += version == "v2" ? 1 : 0;
        }

        // Binomial(10000, 0.3): mean 3000, sd ~46; 2800..3200 is over four sd either way.
        Assert.InRange(v2, 2800, 3200);
    }

    [Fact]
    public void The_sticky_bucket_is_a_fixed_function_of_the_names_not_of_the_process()
    {
        // FNV-1a 64 over the UTF-16 code units with separators, computed independently here.
        static ulong Fnv(ulong hash, string text)
        {
            foreach (char c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return (hash ^ 0xFFFF) * 1099511628211UL;
        }

        ulong expected = 14695981039346656037UL;
        foreach (string part in new[] { "acme", "billing", "prod", "user-42" })
        {
            expected = Fnv(expected, part);
        }

        Assert.Equal((int)(expected % 100), SplitPicker.Bucket(Service, "user-42"));
        Assert.NotEqual(SplitPicker.Bucket(Service, "ab"), SplitPicker.Bucket(new SplitKey("acme", "billing", "prodab"), ""));
    }
}
