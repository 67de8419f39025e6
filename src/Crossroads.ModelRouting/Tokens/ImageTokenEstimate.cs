namespace Crossroads.ModelRouting.Tokens;

/// <summary>
/// The prompt tokens an image is reckoned at before routing: a flat <see cref="PerImage"/>, whatever its size and
/// <c>detail</c>. The router does not fetch URLs nor decode images, the model (and so the protocol's rule) is not
/// chosen yet when the estimate is made, and the estimate reserves budget, so it must not be below what an upstream
/// bills: GPT-4o's tile rule tops out at 85 + 170 × 8 = 1,445 tokens (<c>detail: high</c>; 85 for <c>low</c>), and
/// Anthropic's (width × height / 750, images resized to at most ~1.15 megapixels) at about 1,600, and Anthropic
/// ignores <c>detail</c>. Models that price images by a larger token count (gpt-4o-mini multiplies them to match
/// GPT-4o's price) are not covered by it.
/// </summary>
public static class ImageTokenEstimate
{
    /// <summary>Prompt tokens counted per image.</summary>
    public const int PerImage = 1_600;
}
