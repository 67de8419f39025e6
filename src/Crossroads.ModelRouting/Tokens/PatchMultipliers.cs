namespace Crossroads.ModelRouting.Tokens;

/// <summary>
/// The tokens per patch OpenAI's vision docs ("Calculating costs", step D) list for its patch models, so that a model
/// configured with <c>ImageRule=patches</c> but no multiplier of its own still bills as documented. Matched on the
/// upstream model's name by prefix, so dated snapshots (<c>gpt-4.1-mini-2025-04-14</c>) find their family.
/// </summary>
public static class PatchMultipliers
{
    /// <summary>The largest documented multiplier: a model the table does not know counts at it, so its estimate stays above the bill.</summary>
    public const decimal Largest = 2.46m;

    // Longest prefixes first, so "gpt-4.1-nano" is not read as another model's prefix. The gpt-5 values are the docs'; bills
    // measured by users are lower (1.2 and 1.5), which keeps the estimate above them.
    private static readonly (string Prefix, decimal Multiplier)[] Documented =
    [
        ("gpt-4.1-mini", 1.62m),
        ("gpt-4.1-nano", 2.46m),
        ("gpt-5-mini", 1.62m),
        ("gpt-5-nano", 2.46m),
        ("o4-mini", 1.72m),
    ];

    /// <summary>Whether OpenAI's docs list <paramref name="upstreamModel"/> (or its family) as billed by patches.</summary>
    public static bool IsDocumented(string? upstreamModel) => Lookup(upstreamModel) is not null;

    /// <summary>The documented multiplier of <paramref name="upstreamModel"/>, else <see cref="Largest"/>.</summary>
    public static decimal For(string? upstreamModel) => Lookup(upstreamModel) ?? Largest;

    private static decimal? Lookup(string? upstreamModel)
    {
        foreach (var (prefix, multiplier) in Documented)
        {
            if (upstreamModel is not null && upstreamModel.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return multiplier;
            }
        }

        return null;
    }
}
