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
}
