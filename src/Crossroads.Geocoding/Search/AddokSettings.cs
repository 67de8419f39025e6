namespace Crossroads.Geocoding.Search;

/// <summary>
/// The Addok settings this library reproduces (addok/config/default.py, overridden by the BAN's config/addok.conf),
/// for the HTTP layer to render and validate with the same values.
/// </summary>
public static class AddokSettings
{
    /// <summary>ATTRIBUTION of the BAN configuration.</summary>
    public const string Attribution = "BAN";

    /// <summary>LICENCE of the BAN configuration.</summary>
    public const string Licence = "ETALAB-2.0";

    /// <summary>QUERY_MAX_LENGTH: longer queries are refused (HTTP 413).</summary>
    public const int QueryMaxLength = Text.TextPipeline.QueryMaxLength;

    /// <summary>Default <c>limit</c> of Addok's HTTP API.</summary>
    public const int DefaultLimit = 5;

    /// <summary>BUCKET_MAX, also the largest useful <c>limit</c>.</summary>
    public const int BucketMax = SearchRun.BucketMax;

    /// <summary>MIN_SCORE: answers below are dropped.</summary>
    public const double MinScore = SearchRun.MinScore;

    /// <summary>MAX_FILTER_VALUES: values kept per multi-value filter.</summary>
    public const int MaxFilterValues = 10;

    /// <summary>FILTERS of the BAN configuration.</summary>
    public static IReadOnlyList<string> Filters { get; } = ["type", "citycode", "postcode"];
}
