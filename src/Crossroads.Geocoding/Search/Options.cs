namespace Crossroads.Geocoding.Search;

/// <summary>Search parameters (Addok's <c>/search</c>: limit, autocomplete, lat/lon, filters).</summary>
public sealed record SearchOptions
{
    /// <summary>Defaults: limit 5, autocomplete on, no centre, no filters.</summary>
    public static SearchOptions Default { get; } = new();

    /// <summary>Maximum results (1..100 at the HTTP layer; Addok's default 5).</summary>
    public int Limit { get; init; } = 5;

    /// <summary>Autocomplete the last token (Addok's HTTP default: on).</summary>
    public bool Autocomplete { get; init; } = true;

    /// <summary>Centre latitude for geographic bias.</summary>
    public double? Lat { get; init; }

    /// <summary>Centre longitude for geographic bias.</summary>
    public double? Lon { get; init; }

    /// <summary>Allowed types (housenumber, street, municipality, locality), ORed; null or empty: all.</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>Allowed postcodes, ORed.</summary>
    public IReadOnlyList<string>? Postcodes { get; init; }

    /// <summary>Allowed INSEE city codes, ORed.</summary>
    public IReadOnlyList<string>? Citycodes { get; init; }

    /// <summary>Fuzzy level (Addok's <c>fuzzy</c>, 0 disables the fuzzy collector).</summary>
    public int Fuzzy { get; init; } = 1;
}

/// <summary>Reverse parameters (Addok's <c>/reverse</c>: limit, type/postcode/citycode filters).</summary>
public sealed record ReverseOptions
{
    /// <summary>Defaults: limit 1, no filters, 10 km radius.</summary>
    public static ReverseOptions Default { get; } = new();

    /// <summary>Maximum results.</summary>
    public int Limit { get; init; } = 1;

    /// <summary>Allowed types, ORed; "housenumber" keeps only housenumber answers.</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>Allowed postcodes, ORed.</summary>
    public IReadOnlyList<string>? Postcodes { get; init; }

    /// <summary>Allowed INSEE city codes, ORed.</summary>
    public IReadOnlyList<string>? Citycodes { get; init; }

    /// <summary>Nothing farther than this is returned (Addok itself only looks ~2 geohash cells, ~300 m, around).</summary>
    public double MaxDistanceMeters { get; init; } = 10_000;
}
