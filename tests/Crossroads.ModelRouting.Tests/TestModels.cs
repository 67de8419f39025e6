using Crossroads.ModelRouting.Catalog;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Model descriptors several test classes price against.</summary>
internal static class TestModels
{
    /// <summary>Claude-like prices: input 3, output 15, cache reads 0.3, cache writes 3.75 USD per million tokens.</summary>
    public static ModelDescriptor CachePriced { get; } = new()
    {
        Id = "m",
        Upstream = "u",
        InputPricePerMTok = 3m,
        OutputPricePerMTok = 15m,
        CachedInputPricePerMTok = 0.3m,
        CacheWritePricePerMTok = 3.75m,
    };
}
