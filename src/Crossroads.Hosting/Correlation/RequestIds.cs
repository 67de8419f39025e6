namespace Crossroads.Hosting.Correlation;

/// <summary>Rules for the <c>X-Request-ID</c> header: accepted as given when safe to log and echo, otherwise replaced.</summary>
internal static class RequestIds
{
    public const string HeaderName = "X-Request-ID";

    public const int MaxLength = 128;

    /// <summary>Printable ASCII only (0x20-0x7E), 1-128 characters, not blank: keeps log lines and headers injection-free.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxLength || value.IsWhiteSpace())
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                return false;
            }
        }

        return true;
    }

    public static string NewId() => Guid.NewGuid().ToString("N");
}
