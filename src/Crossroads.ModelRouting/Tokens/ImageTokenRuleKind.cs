namespace Crossroads.ModelRouting.Tokens;

/// <summary>How a provider turns an image into prompt tokens.</summary>
public enum ImageTokenRuleKind
{
    /// <summary>OpenAI's: base tokens plus tokens per 512-pixel tile of the resized image (base only at <c>detail: low</c>).</summary>
    Tiles,

    /// <summary>Anthropic's: width × height / 750 of the image resized to at most 1,568 pixels a side and ~1.2 megapixels; <c>detail</c> is ignored.</summary>
    Pixels,
}
