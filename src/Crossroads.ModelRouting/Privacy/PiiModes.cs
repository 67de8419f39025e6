namespace Crossroads.ModelRouting.Privacy;

/// <summary>Configured names of <see cref="PiiMode"/>.</summary>
public static class PiiModes
{
    /// <summary>Parses <c>off</c>, <c>redact</c> or <c>block</c> (case-insensitive).</summary>
    public static bool TryParse(string? text, out PiiMode mode) => ConfiguredNames.TryParse(text, out mode);
}
