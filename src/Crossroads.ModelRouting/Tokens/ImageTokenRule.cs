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
/// <item><see cref="ImageTokenRuleKind.Patches"/> (OpenAI's gpt-4.1-mini, gpt-4.1-nano, o4-mini…): 32 × 32-pixel
/// patches, the image scaled down by OpenAI's published algorithm when it needs more than <see cref="PatchCap"/>, times
/// the model's <see cref="PatchMultiplier"/>; <c>detail</c> is ignored (see <see cref="PatchTokens"/>).</item>
/// <item><see cref="ImageTokenRuleKind.Pixels"/> (Anthropic): the image is scaled down so that its long edge is at
/// most <see cref="LongEdge"/> and its area at most <see cref="AreaCap"/>, and costs width × height / 750.</item>
/// </list>
/// </summary>
public sealed record ImageTokenRule
{
    /// <summary>GPT-4o's base tokens per image (all of a <c>detail: low</c> image).</summary>
    public const int OpenAiBaseTokens = 85;

    /// <summary>GPT-4o's tokens per 512-pixel tile.</summary>
    public const int OpenAiTileTokens = 170;

    /// <summary>The longest side Anthropic keeps before scaling an image down (its models before Claude Opus 4.7).</summary>
    public const int MaxLongEdge = 1568;

    /// <summary>The patch count OpenAI's patch models scale an image down to (its docs' 1,536).</summary>
    public const int OpenAiPatchCap = 1536;

    /// <summary>The side of OpenAI's square patch in pixels.</summary>
    public const int PatchSide = 32;

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
    public static ImageTokenRule Anthropic { get; } = Pixels(MaxLongEdge, MaxPixels);

    /// <summary>Which rule.</summary>
    public ImageTokenRuleKind Kind { get; init; }

    /// <summary>Tiles: the tokens of every image (all of a <c>detail: low</c> one).</summary>
    public int BaseTokens { get; init; }

    /// <summary>Tiles: the tokens per 512-pixel tile.</summary>
    public int TileTokens { get; init; }

    /// <summary>Patches: tokens per patch (the model's multiplier in OpenAI's docs: 1.62 for gpt-4.1-mini).</summary>
    public decimal PatchMultiplier { get; init; }

    /// <summary>Patches: the most patches an image is billed for; a larger image is scaled down to fit.</summary>
    public int PatchCap { get; init; }

    /// <summary>Pixels: the longest side kept before an image is scaled down.</summary>
    public int LongEdge { get; init; }

    /// <summary>Pixels: the largest area kept before an image is scaled down.</summary>
    public long AreaCap { get; init; }

    /// <summary>The patch rule: <paramref name="multiplier"/> tokens per 32-pixel patch, at most <paramref name="cap"/> patches.</summary>
    public static ImageTokenRule Patches(decimal multiplier, int cap = OpenAiPatchCap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(multiplier);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
        return new() { Kind = ImageTokenRuleKind.Patches, PatchMultiplier = multiplier, PatchCap = cap };
    }

    /// <summary>The pixel rule with its long edge at most <paramref name="longEdge"/> and its area at most <paramref name="areaCap"/>.</summary>
    public static ImageTokenRule Pixels(int longEdge, long areaCap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(longEdge);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(areaCap);
        return new() { Kind = ImageTokenRuleKind.Pixels, LongEdge = longEdge, AreaCap = areaCap };
    }

    /// <summary>The tile rule with <paramref name="baseTokens"/> per image and <paramref name="tileTokens"/> per tile.</summary>
    public static ImageTokenRule Tiles(int baseTokens, int tileTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(tileTokens);
        return new() { Kind = ImageTokenRuleKind.Tiles, BaseTokens = baseTokens, TileTokens = tileTokens };
    }

    /// <summary>Tokens of one image of <paramref name="size"/> (null: unknown, the largest) at <paramref name="detail"/>.</summary>
    public long Tokens(ImageSize? size, string? detail) => Kind switch
    {
        ImageTokenRuleKind.Pixels => PixelTokens(size),
        ImageTokenRuleKind.Patches => PatchTokens(size),
        _ => TileTokensOf(size, detail),
    };

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

    /// <summary>
    /// OpenAI's published steps: A. the 32-pixel patches that cover the image; B. if more than the cap, the image is
    /// scaled by √(32² × cap / (width × height)), then further so that its limiting side fills a whole number of
    /// patches; C. the patches of the scaled image, at most the cap; D. times the model's multiplier (rounded up here:
    /// the estimate never falls short). <c>detail: low</c> is ignored: the docs' low-detail budget (85 tokens, a 512 ×
    /// 512 version) is stated for the tile models and "does not currently apply" to these, and measured bills of patch
    /// models are the same at low and high; counting it as high keeps the estimate above the bill either way.
    /// </summary>
    private long PatchTokens(ImageSize? size)
    {
        long most = Multiplied(PatchCap);
        if (size is not { } s)
        {
            return most;
        }

        long patches = CeilDiv(s.Width, PatchSide) * CeilDiv(s.Height, PatchSide);
        if (patches > PatchCap)
        {
            double shrink = Math.Sqrt((double)PatchSide * PatchSide * PatchCap / ((double)s.Width * s.Height));
            double across = s.Width * shrink / PatchSide;
            double down = s.Height * shrink / PatchSide;
            shrink *= Math.Min(Math.Floor(across) / across, Math.Floor(down) / down);
            // The fitted side is a whole number of patches in exact arithmetic; the tolerance keeps a double's last bit
            // (1056.0000000001 px) from adding a patch row the docs do not count.
            patches = CeilPatches(s.Width * shrink) * CeilPatches(s.Height * shrink);
            // An image thinner than a patch after shrinking (100,000 × 1) floors a side to 0: the docs' steps give no
            // count, so the cap (the most it can bill) stands in.
            patches = patches < 1 ? PatchCap : Math.Min(patches, PatchCap);
        }

        return Multiplied(patches);
    }

    private long Multiplied(long patches) => (long)Math.Ceiling(patches * PatchMultiplier);

    private static long CeilPatches(double pixels) => (long)Math.Ceiling((pixels / PatchSide) - 1e-9);

    private long PixelTokens(ImageSize? size)
    {
        long most = CeilDiv(AreaCap, PixelsPerToken);
        if (size is not { } s)
        {
            return most;
        }

        double scale = Math.Min(1.0, Math.Min((double)LongEdge / Math.Max(s.Width, s.Height), Math.Sqrt(AreaCap / ((double)s.Width * s.Height))));
        long width = (long)Math.Ceiling(s.Width * scale);
        long height = (long)Math.Ceiling(s.Height * scale);
        // Rounding each side up can pass the area cap by a row; the cap's tokens are still the most an image costs.
        return Math.Min(most, CeilDiv(width * height, PixelsPerToken));
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
