namespace Crossroads.Geocoding.Search;

/// <summary>
/// One answer, with the properties Addok's geojson formatter renders (addok/helpers/formatters.py) for the BAN
/// configuration, in its order: label, score, housenumber, id, name, postcode, citycode, x, y, city, context, type,
/// importance, then the document's type as a key holding its name (street/municipality/locality), then distance.
/// Absent values are null and are not rendered by Addok.
/// </summary>
public sealed class GeocodeResult
{
    /// <summary>The label (addok_france <c>make_labels</c>: "12 Rue X 98800 Nouméa").</summary>
    public required string Label { get; init; }

    /// <summary>Addok's score (weighted mean of its partial scores).</summary>
    public required double Score { get; init; }

    /// <summary>housenumber, street, municipality or locality.</summary>
    public required string Type { get; init; }

    /// <summary>The matched housenumber as written in the data ("96bis").</summary>
    public string? Housenumber { get; init; }

    /// <summary>Id of the housenumber, or of the document.</summary>
    public required string Id { get; init; }

    /// <summary>Name ("96bis Rue des Sapins" for a housenumber).</summary>
    public required string Name { get; init; }

    /// <summary>First postcode.</summary>
    public string? Postcode { get; init; }

    /// <summary>First INSEE city code.</summary>
    public string? Citycode { get; init; }

    /// <summary>Projected x (of the housenumber when matched).</summary>
    public double? X { get; init; }

    /// <summary>Projected y.</summary>
    public double? Y { get; init; }

    /// <summary>First city name.</summary>
    public string? City { get; init; }

    /// <summary>Context.</summary>
    public string? Context { get; init; }

    /// <summary>The document's importance.</summary>
    public double Importance { get; init; }

    /// <summary>The document's own type (street, municipality, locality): Addok renders <c>{DocumentType}: name</c>.</summary>
    public required string DocumentType { get; init; }

    /// <summary>The document name without housenumber (rendered under the <see cref="DocumentType"/> key).</summary>
    public required string DocumentName { get; init; }

    /// <summary>The street name for housenumbers and streets (Addok's <c>street</c> property).</summary>
    public string? Street => DocumentType == "street" ? DocumentName : null;

    /// <summary>Distance in metres to the centre (search with lat/lon) or to the reverse point, truncated as Addok does.</summary>
    public int? Distance { get; init; }

    /// <summary>Latitude of the answer (housenumber point when matched).</summary>
    public required double Lat { get; init; }

    /// <summary>Longitude of the answer.</summary>
    public required double Lon { get; init; }

    /// <summary>Other scalar properties of the document (banId, oldcity, population...) as raw JSON values.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extras { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() => $"{Label} ({Type}, {Score:0.####})";
}
