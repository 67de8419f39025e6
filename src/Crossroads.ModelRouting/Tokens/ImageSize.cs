namespace Crossroads.ModelRouting.Tokens;

/// <summary>An image's width and height in pixels, as its header states them (both at least 1).</summary>
/// <param name="Width">Pixels across.</param>
/// <param name="Height">Pixels down.</param>
public readonly record struct ImageSize(int Width, int Height);
