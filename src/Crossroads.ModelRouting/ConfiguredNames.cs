namespace Crossroads.ModelRouting;

/// <summary>Parses configured names of enums (<c>daily</c>, <c>redact</c>): case-insensitive, names only (no numbers, no comma lists).</summary>
internal static class ConfiguredNames
{
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && char.IsAsciiLetter(text![0]) && Enum.IsDefined(value);
}
