using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// The bill of a usage whose details an upstream garbled: the details are parts of the counts, so the bill never
/// prices more prompt tokens than the upstream counted (or the bill passes the reservation the estimate made for
/// that prompt), and never comes out below 0.
/// </summary>
public sealed class GarbledUsageBillTests
{
    private static readonly ModelDescriptor Cached = TestModels.CachePriced;

    [Theory]
    [InlineData(1000, 200, 0, 100_000)]
    [InlineData(1000, 200, 100_000, 0)]
    [InlineData(1000, 200, 900, 900)]
    [InlineData(1000, 200, int.MaxValue, int.MaxValue)]
    [InlineData(1000, -1_000_000, 0, 0)]
    [InlineData(-1_000_000, 200, 0, 0)]
    [InlineData(1000, 200, -5000, -5000)]
    public void A_garbled_usage_never_bills_above_the_estimate_of_its_counts_nor_below_0(int prompt, int completion, int read, int written)
    {
        var usage = new TokenUsage(prompt, completion) { CachedTokens = read, CacheWriteTokens = written };

        decimal bill = Cached.CostUsd(usage);

        Assert.InRange(bill, 0m, Cached.CostUsd(Math.Max(0, prompt), Math.Max(0, completion)));
    }

    [Fact]
    public void Cache_writes_beyond_what_the_reads_left_of_the_prompt_are_billed_as_the_rest_of_it()
    {
        var usage = new TokenUsage(1000, 0) { CachedTokens = 900, CacheWriteTokens = 900 };

        Assert.Equal(((900 * 0.3m) + (100 * 3.75m)) / 1_000_000m, Cached.CostUsd(usage));
    }
}
