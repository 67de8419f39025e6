namespace Crossroads.ModelRouting.Privacy;

/// <summary>Configured names of <see cref="PiiMode"/>.</summary>
public static class PiiModes
{
    /// <summary>Parses <c>off</c>, <c>redact</c> or <c>block</c> (case-insensitive).</summary>
    public static bool TryParse(string? text, out PiiMode mode)
    {
        switch (text?.ToUpperInvariant())
        {
            case "OFF":
                mode = PiiMode.Off;
                return true;
            case "REDACT":
                mode = PiiMode.Redact;
                return true;
            case "BLOCK":
                mode = PiiMode.Block;
                return true;
            default:
                mode = PiiMode.Off;
                return false;
        }
    }
}
