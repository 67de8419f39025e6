namespace Crossroads.Geocoding.Data;

/// <summary>What an import line asks for (Addok's <c>_action</c>: absent or "index" adds, "update" replaces, "delete" removes).</summary>
public enum DocumentAction
{
    /// <summary>Index (no <c>_action</c>, or "index").</summary>
    Index,

    /// <summary>Replace the document with the same id.</summary>
    Update,

    /// <summary>Remove the document with this id.</summary>
    Delete,
}

/// <summary>
/// One line of Addok's NDJSON import format: a municipality, street or locality, its housenumbers nested under
/// <c>housenumbers</c>. List-valued fields keep every value: the first is the displayed one, the others are
/// searchable aliases (Addok's convention).
/// </summary>
public sealed class AddokDocument
{
    /// <summary>The document id (<c>id</c>, or Addok's internal <c>_id</c> when only that is given).</summary>
    public required string Id { get; init; }

    /// <summary>The import action.</summary>
    public DocumentAction Action { get; init; }

    /// <summary>municipality, street or locality (any string is kept).</summary>
    public string Type { get; init; } = "";

    /// <summary>Names: first displayed, the others aliases.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Postcodes (first displayed).</summary>
    public IReadOnlyList<string> Postcodes { get; init; } = [];

    /// <summary>INSEE city codes (first displayed).</summary>
    public IReadOnlyList<string> Citycodes { get; init; } = [];

    /// <summary>City names (first displayed; merged municipalities list their old names).</summary>
    public IReadOnlyList<string> Cities { get; init; } = [];

    /// <summary>Context ("988, Nouvelle-Calédonie").</summary>
    public IReadOnlyList<string> Contexts { get; init; } = [];

    /// <summary>The <c>street</c> field of localities or other documents that carry one.</summary>
    public IReadOnlyList<string> Streets { get; init; } = [];

    /// <summary>Other indexed text fields of the BAN configuration (oldcity, oldcitycode, district), flattened.</summary>
    public IReadOnlyList<string> OtherIndexed { get; init; } = [];

    /// <summary>Other scalar properties to render as they are (banId, oldcitycode, oldcity, district, population...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extras { get; init; } = [];

    /// <summary>Latitude (WGS84).</summary>
    public double Lat { get; init; }

    /// <summary>Longitude (WGS84).</summary>
    public double Lon { get; init; }

    /// <summary>Projected x (local projection), when given.</summary>
    public double? X { get; init; }

    /// <summary>Projected y, when given.</summary>
    public double? Y { get; init; }

    /// <summary>Importance, 0..1.</summary>
    public double Importance { get; init; }

    /// <summary>Housenumbers, in file order.</summary>
    public IReadOnlyList<AddokHousenumber> Housenumbers { get; init; } = [];
}

/// <summary>One entry of a document's <c>housenumbers</c> object: its raw number ("96bis") and point.</summary>
public sealed class AddokHousenumber
{
    /// <summary>The number as written in the data ("96bis", "12 ter").</summary>
    public required string Raw { get; init; }

    /// <summary>Its id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Latitude.</summary>
    public double Lat { get; init; }

    /// <summary>Longitude.</summary>
    public double Lon { get; init; }

    /// <summary>Projected x.</summary>
    public double? X { get; init; }

    /// <summary>Projected y.</summary>
    public double? Y { get; init; }
}
