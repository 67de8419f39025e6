namespace Crossroads.ModelRouting.Tokens;

/// <summary>How a provider turns an image into prompt tokens.</summary>
public enum ImageTokenRuleKind
{
    /// <summary>OpenAI's: base tokens plus tokens per 512-pixel tile of the resized image (base only at <c>detail: low</c>).</summary>
    Tiles,

    /// <summary>Anthropic's: width × height / 750 of the image resized to at most a long edge (1,568 pixels by default) and an area; <c>detail</c> is ignored.</summary>
    Pixels,

    /// <summary>OpenAI's for gpt-4.1-mini, gpt-4.1-nano, o4-mini…: 32-pixel patches (at most a cap, 1,536) times the model's multiplier; <c>detail</c> is ignored.</summary>
    Patches,
}
