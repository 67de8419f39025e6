using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tokens;

/// <summary>
/// The prompt tokens a model bills for an image, as its provider documents the rule, from the size its header states
/// (<see cref="ImagePart.Size"/>) and its <c>detail</c>. The estimate reserves budget and decides eligibility, so it
/// never rounds down and an image of unknown size (an http(s) URL, an unreadable header) counts as the rule's largest.
/// <list type="bullet">
/// <item><see cref="ImageTokenRuleKind.Tiles"/> (OpenAI): <c>detail: low</c> costs <see cref="BaseTokens"/>; otherwise
/// (<c>high</c>, <c>auto</c>, none) the image is scaled down to fit 2048 × 2048, then so that its shorter side is at most
/// 768, and costs <see cref="BaseTokens"/> + <see cref="TileTokens"/> per 512-pixel tile: at most 8 tiles (768 × 2048).
/// GPT-4o bills 85 + 170 per tile; gpt-4o-mini the same image at the same price in more tokens (2,833 + 5,667 per tile).</item>
/// <item><see cref="ImageTokenRuleKind.Pixels"/> (Anthropic): the image is scaled down so that its long edge is at
/// most <see cref="MaxLongEdge"/> and its area at most <see cref="MaxPixels"/>, and costs width × height / 750.</item>
/// </list>
/// </summary>
public sealed record ImageTokenRule
{
    /// <summary>GPT-4o's base tokens per image (all of a <c>detail: low</c> image).</summary>
    public const int OpenAiBaseTokens = 85;

    /// <summary>GPT-4o's tokens per 512-pixel tile.</summary>
    public const int OpenAiTileTokens = 170;

    /// <summary>The longest side Anthropic keeps before scaling an image down.</summary>
    public const int MaxLongEdge = 1568;

    /// <summary>
    /// The largest area Anthropic keeps: 784 × 1568, the largest of its published sizes that are not resized (1092 ×
    /// 1092, 951 × 1268, 896 × 1344, 819 × 1456, 784 × 1568); its docs call the limit "~1.15 megapixels" / "~1,600
    /// tokens", which 784 × 1568 (1,639 tokens) exceeds, so the largest is taken to stay above what it bills.
    /// </summary>
    public const long MaxPixels = 784L * 1568;

    /// <summary>Pixels per token in Anthropic's rule.</summary>
    public const int PixelsPerToken = 750;

    private const int MaxTiles = 8;

    /// <summary>GPT-4o's rule (85 + 170 per tile), the default of <c>openai</c> models.</summary>
    public static ImageTokenRule OpenAi { get; } = Tiles(OpenAiBaseTokens, OpenAiTileTokens);

    /// <summary>Anthropic's rule (width × height / 750, at most ~1,640 tokens).</summary>
    public static ImageTokenRule Anthropic { get; } = new() { Kind = ImageTokenRuleKind.Pixels };

    /// <summary>Which rule.</summary>
    public ImageTokenRuleKind Kind { get; init; }

    /// <summary>Tiles: the tokens of every image (all of a <c>detail: low</c> one).</summary>
    public int BaseTokens { get; init; }

    /// <summary>Tiles: the tokens per 512-pixel tile.</summary>
    public int TileTokens { get; init; }

    /// <summary>The tile rule with <paramref name="baseTokens"/> per image and <paramref name="tileTokens"/> per tile.</summary>
    public static ImageTokenRule Tiles(int baseTokens, int tileTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(tileTokens);
        return new() { Kind = ImageTokenRuleKind.Tiles, BaseTokens = baseTokens, TileTokens = tileTokens };
    }

    /// <summary>Tokens of one image of <paramref name="size"/> (null: unknown, the largest) at <paramref name="detail"/>.</summary>
    public long Tokens(ImageSize? size, string? detail) => Kind == ImageTokenRuleKind.Pixels ? PixelTokens(size) : TileTokensOf(size, detail);

    /// <summary>Tokens of <paramref name="image"/>.</summary>
    public long Tokens(ImagePart image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Tokens(image.Size, image.Detail);
    }

    /// <summary>Tokens of every image of <paramref name="images"/>.</summary>
    public long Tokens(IEnumerable<ImagePart> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        long total = 0;
        foreach (var image in images)
        {
            total += Tokens(image);
        }

        return total;
    }

    private long TileTokensOf(ImageSize? size, string? detail)
    {
        if (detail == "low")
        {
            return BaseTokens;
        }

        if (size is not { } s)
        {
            return BaseTokens + ((long)TileTokens * MaxTiles);
        }

        // Integer steps rounded up, so a side is never counted a pixel short of a tile boundary.
        long shorter = Math.Min(s.Width, s.Height);
        long longer = Math.Max(s.Width, s.Height);
        if (longer > 2048)
        {
            shorter = CeilDiv(shorter * 2048, longer);
            longer = 2048;
        }

        if (shorter > 768)
        {
            longer = CeilDiv(longer * 768, shorter);
            shorter = 768;
        }

        long tiles = CeilDiv(shorter, 512) * CeilDiv(longer, 512);
        return BaseTokens + (TileTokens * tiles);
    }

    private static long PixelTokens(ImageSize? size)
    {
        long most = CeilDiv(MaxPixels, PixelsPerToken);
        if (size is not { } s)
        {
            return most;
        }

        double scale = Math.Min(1.0, Math.Min((double)MaxLongEdge / Math.Max(s.Width, s.Height), Math.Sqrt(MaxPixels / ((double)s.Width * s.Height))));
        long width = (long)Math.Ceiling(s.Width * scale);
        long height = (long)Math.Ceiling(s.Height * scale);
        // Rounding each side up can pass the area cap by a row; the cap's tokens are still the most an image costs.
        return Math.Min(most, CeilDiv(width * height, PixelsPerToken));
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
