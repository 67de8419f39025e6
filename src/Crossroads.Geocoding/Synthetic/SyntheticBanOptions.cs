namespace Crossroads.Geocoding.Synthetic;

/// <summary>
/// The size and shape of a synthetic national base. The defaults are France's BAN: ~35,000 municipalities, ~2.3 M
/// streets and ~26 M housenumbers.
/// </summary>
public sealed record SyntheticBanOptions
{
    /// <summary>How many municipalities.</summary>
    public int Municipalities { get; init; } = 35_000;

    /// <summary>How many streets in total, shared among municipalities by a Zipf-like law of their size.</summary>
    public int Streets { get; init; } = 2_300_000;

    /// <summary>Mean housenumbers per street (the BAN has ~11.3); the count per street is geometric around it.</summary>
    public double MeanHousenumbersPerStreet { get; init; } = 11.3;

    /// <summary>Share of housenumbers with a suffix (bis, ter, A, B).</summary>
    public double SuffixShare { get; init; } = 0.03;

    /// <summary>The seed: the same options and seed give the same file, byte for byte.</summary>
    public int Seed { get; init; } = 1;
}
