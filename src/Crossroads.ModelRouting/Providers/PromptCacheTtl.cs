namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// How long Anthropic keeps a prompt-cache entry (<c>cache_control.ttl</c>): <c>5m</c>, the default, or <c>1h</c>, whose
/// cache writes Anthropic bills at twice the input price instead of 1.25 times (set <c>CacheWritePricePerMTok</c> to match).
/// </summary>
public static class PromptCacheTtl
{
    /// <summary>Five minutes, refreshed on every hit; not written (the API's default).</summary>
    public const string Default = "5m";

    /// <summary>One hour.</summary>
    public const string OneHour = "1h";

    /// <summary>Whether <paramref name="value"/> is a TTL the API takes.</summary>
    public static bool IsValid(string? value) => value is Default or OneHour;
}
