namespace Crossroads.Hosting;

/// <summary>One line of <c>--help</c>: a configuration key, its default and what it does. Modules pass their own to <see cref="CrossroadsHost.RunAsync"/>.</summary>
/// <param name="Key">Configuration key with <c>:</c> separators, e.g. <c>RateLimits:Reads:Burst</c>.</param>
/// <param name="Default">The default as text (empty when unset).</param>
/// <param name="Description">One sentence for operators.</param>
public sealed record SettingHelp(string Key, string Default, string Description)
{
    /// <summary>The environment variable form: <c>:</c> becomes <c>__</c>.</summary>
    public string EnvironmentVariable => Key.Replace(":", "__", StringComparison.Ordinal);
}
