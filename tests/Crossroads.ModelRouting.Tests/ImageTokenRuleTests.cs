using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Tokens;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// <see cref="ImageTokenRule"/> against the providers' published examples: OpenAI's (GPT-4o: 1024 × 1024 high = 765,
/// 2048 × 4096 high = 1,105, low = 85) and Anthropic's (200 × 200 ≈ 54, 1000 × 1000 ≈ 1,334, 1092 × 1092 ≈ 1,590).
/// </summary>
public sealed class ImageTokenRuleTests
{
    [Theory]
    [InlineData(1024, 1024, "high", 765)] // 768 × 768: 4 tiles
    [InlineData(2048, 4096, "high", 1105)] // 1024 × 2048, then 768 × 1536: 6 tiles
    [InlineData(2048, 4096, "low", 85)]
    [InlineData(2048, 4096, null, 1105)] // no detail is auto, counted as high
    [InlineData(2048, 4096, "auto", 1105)]
    [InlineData(512, 512, "high", 255)] // one tile; small images are not scaled up
    [InlineData(1, 1, "high", 255)]
    [InlineData(513, 100, "high", 425)] // 2 tiles: one pixel past a tile is a tile
    [InlineData(10_000, 100, "high", 765)] // 2048 × 21: 4 tiles
    [InlineData(768, 2048, "high", 1445)] // the most: 8 tiles
    [InlineData(40_000, 30_000, "high", 765)] // 2048 × 1536, then 1024 × 768: 4 tiles
    public void OpenAi_tiles_match_the_published_examples(int width, int height, string? detail, long tokens) =>
        Assert.Equal(tokens, ImageTokenRule.OpenAi.Tokens(new ImageSize(width, height), detail));

    [Fact]
    public void An_unknown_size_is_the_largest_image_and_low_detail_is_the_base_whatever_the_size()
    {
        Assert.Equal(85 + (8 * 170), ImageTokenRule.OpenAi.Tokens(null, "high"));
        Assert.Equal(85 + (8 * 170), ImageTokenRule.OpenAi.Tokens(null, null));
        Assert.Equal(85, ImageTokenRule.OpenAi.Tokens(null, "low"));
        Assert.True(ImageTokenRule.OpenAi.Tokens(null, "high") >= ImageTokenRule.OpenAi.Tokens(new ImageSize(768, 2048), "high"));
    }

    [Fact]
    public void Gpt_4o_mini_numbers_bill_the_same_tiles_in_more_tokens()
    {
        var mini = ImageTokenRule.Tiles(2833, 5667);

        Assert.Equal(2833 + (4 * 5667), mini.Tokens(new ImageSize(1024, 1024), "high"));
        Assert.Equal(2833, mini.Tokens(new ImageSize(1024, 1024), "low"));
        Assert.Equal(2833 + (8 * 5667), mini.Tokens(null, "auto")); // 48,169: far above the former flat 1,600
    }

    [Theory]
    [InlineData(200, 200, 54)] // 53.3
    [InlineData(1000, 1000, 1334)] // 1,333.3
    [InlineData(1092, 1092, 1590)] // 1,589.95
    [InlineData(784, 1568, 1640)] // 1,639.1, the largest published size kept as is
    [InlineData(1, 1, 1)]
    public void Anthropic_pixels_match_the_published_examples(int width, int height, long tokens) =>
        Assert.Equal(tokens, ImageTokenRule.Anthropic.Tokens(new ImageSize(width, height), "high"));

    [Theory]
    [InlineData(4000, 3000)]
    [InlineData(2000, 2000)]
    [InlineData(8000, 100)]
    [InlineData(100, 1_000_000)]
    public void Anthropic_scales_large_images_down_and_never_counts_more_than_the_largest(int width, int height)
    {
        long tokens = ImageTokenRule.Anthropic.Tokens(new ImageSize(width, height), null);
        long unscaled = ((long)width * height) / 750;

        Assert.InRange(tokens, 1, ImageTokenRule.Anthropic.Tokens(null, null));
        Assert.True(tokens < unscaled, $"{width} × {height}: {tokens} tokens, not scaled from {unscaled}");
        // The long edge alone caps a thin image: 1568 × (height scaled alike).
        long longEdgeOnly = (long)Math.Ceiling(1568.0 * Math.Ceiling((double)Math.Min(width, height) * 1568 / Math.Max(width, height)) / 750);
        Assert.True(tokens <= Math.Max(longEdgeOnly, 1), $"{width} × {height}: {tokens} > {longEdgeOnly}");
    }

    [Fact]
    public void Anthropic_ignores_detail_and_counts_an_unknown_size_as_its_largest()
    {
        var size = new ImageSize(1092, 1092);

        Assert.Equal(ImageTokenRule.Anthropic.Tokens(size, "high"), ImageTokenRule.Anthropic.Tokens(size, "low"));
        Assert.Equal(1640, ImageTokenRule.Anthropic.Tokens(null, "low"));
    }

    [Fact]
    public void The_images_of_a_request_add_up_by_their_own_size_and_detail()
    {
        ImagePart[] images =
        [
            new("data:image/png;base64,AAAA", "low", "{}") { Size = new ImageSize(4000, 4000) },
            new("data:image/png;base64,AAAA", "high", "{}") { Size = new ImageSize(1024, 1024) },
            new("https://images.example.test/a.jpg", null, "{}"),
        ];

        Assert.Equal(85 + 765 + 1445, ImageTokenRule.OpenAi.Tokens(images));
        Assert.Equal(1640 + 1399 + 1640, ImageTokenRule.Anthropic.Tokens(images));
    }
    // OpenAI's worked examples for its patch models ("Calculating costs"): 1024 × 1024 → 32 × 32 = 1,024 patches, below
    // the cap; 1800 × 2400 → 57 × 75 = 4,275 patches, scaled by 0.603 then 0.97 to 1056 × 1408 → 33 × 44 = 1,452.
    [Theory]
    [InlineData(1024, 1024, 1024)]
    [InlineData(1800, 2400, 1452)]
    [InlineData(2400, 1800, 1452)]
    [InlineData(2048, 768, 1536)] // 64 × 24, exactly the cap: not scaled
    public void Patches_match_the_docs_worked_examples(int width, int height, long patches)
    {
        Assert.Equal(patches, ImageTokenRule.Patches(1m).Tokens(new ImageSize(width, height), "high"));
        // Step D: × the model's multiplier (the docs' 1.62 for gpt-4.1-mini), rounded up.
        Assert.Equal((long)Math.Ceiling(patches * 1.62m), ImageTokenRule.Patches(1.62m).Tokens(new ImageSize(width, height), "high"));
    }

    [Fact]
    public void Patches_ignore_detail_and_count_an_unknown_size_at_the_cap()
    {
        var mini = ImageTokenRule.Patches(1.62m);

        Assert.Equal(mini.Tokens(new ImageSize(1024, 1024), "high"), mini.Tokens(new ImageSize(1024, 1024), "low"));
        Assert.Equal(2489, mini.Tokens(null, "low")); // 1,536 × 1.62 = 2,488.32
        Assert.Equal(1536, ImageTokenRule.Patches(1m).Tokens(null, null));
        Assert.Equal(200, ImageTokenRule.Patches(2m, 100).Tokens(new ImageSize(4000, 4000), null));
    }

    [Theory]
    [InlineData(40_000, 30_000)]
    [InlineData(8000, 100)]
    [InlineData(100_000, 1)] // thinner than a patch once scaled: the docs' steps floor a side to 0, the cap stands in
    [InlineData(1, 100_000)]
    [InlineData(2049, 769)]
    public void Patches_of_a_large_image_never_pass_the_cap(int width, int height)
    {
        long patches = ImageTokenRule.Patches(1m).Tokens(new ImageSize(width, height), "high");

        Assert.InRange(patches, 1, 1536);
    }

    [Theory]
    [InlineData("gpt-4.1-mini", 1.62)]
    [InlineData("gpt-4.1-mini-2025-04-14", 1.62)]
    [InlineData("gpt-4.1-nano", 2.46)]
    [InlineData("o4-mini", 1.72)]
    [InlineData("a-local-model", 2.46)] // unknown: the largest documented, so the estimate stays above the bill
    [InlineData(null, 2.46)]
    public void Patch_multipliers_are_the_docs_by_model_name(string? model, double multiplier) =>
        Assert.Equal((decimal)multiplier, PatchMultipliers.For(model));

    [Fact]
    public void A_larger_anthropic_limit_keeps_larger_images_whole()
    {
        var larger = ImageTokenRule.Pixels(2576, 2576L * 2576 / 2);

        Assert.Equal(1590, larger.Tokens(new ImageSize(1092, 1092), null)); // within both limits: the docs' ~1,590
        Assert.Equal(1640, ImageTokenRule.Anthropic.Tokens(new ImageSize(1288, 2576), null)); // scaled to 784 × 1568
        Assert.Equal(4424, larger.Tokens(new ImageSize(1288, 2576), null)); // kept: 1288 × 2576 / 750 = 4,423.7
        Assert.Equal(4424, larger.Tokens(null, null));
        Assert.Equal(ImageTokenRule.Anthropic, ImageTokenRule.Pixels(ImageTokenRule.MaxLongEdge, ImageTokenRule.MaxPixels));
    }
}
