using System.Text.Json;
using Crossroads.Geocoding.Search;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// One batch query's parameters as addok-server reads them: the query's own <c>params</c>, then the batch's global
/// <c>params</c> for what it leaves out (a JSON null counts as absent). Filters come from a <c>filters</c> object or as
/// members of their own (<c>"type": "street"</c>), as a string (values split on '+' as addok-server does, and on spaces
/// as Addok does) or an array of strings. Parsing errors are the messages GET /search gives for the same value.
/// </summary>
internal readonly struct BatchParams(JsonElement own, JsonElement global)
{
    private static readonly string[] LatKeys = ["lat", "latitude"];
    private static readonly string[] LonKeys = ["lon", "lng", "long", "longitude"];

    /// <summary>A parameter error: the single-query endpoint's status, title and description.</summary>
    public readonly record struct Error(int Code, string Title, string Description)
    {
        public static Error Missing(string name) => new(StatusCodes.Status400BadRequest, AddokProblems.MissingTitle, AddokProblems.MissingDescription(name));

        public static Error Invalid(string message, string name) => new(StatusCodes.Status400BadRequest, AddokProblems.InvalidTitle, AddokProblems.InvalidDescription(message, name));
    }

    /// <summary>The query text: required, a string.</summary>
    public Error? Query(out string q)
    {
        q = string.Empty;
        if (!TryGet("q", out var value))
        {
            return Error.Missing("q");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return Error.Invalid("The value must be a string.", "q");
        }

        q = value.GetString()!;
        return q.Length == 0 ? Error.Missing("q") : null;
    }

    /// <summary><c>autocomplete</c>: off unless the query asks for it (addok-server batches without it).</summary>
    public Error? Autocomplete(out bool autocomplete)
    {
        autocomplete = false;
        if (!TryGet("autocomplete", out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                autocomplete = value.GetBoolean();
                return null;
            case JsonValueKind.Number when value.TryGetInt32(out int flag) && flag is 0 or 1:
                autocomplete = flag == 1;
                return null;
            case JsonValueKind.String when AddokQuery.TryParseBool(value.GetString()!, out bool parsed):
                autocomplete = parsed;
                return null;
            default:
                return Error.Invalid("The value of the parameter must be \"true\" or \"false\".", "autocomplete");
        }
    }

    /// <summary>lat/lon (and their aliases) as numbers or numeric strings, range-checked when non-zero as Addok does.</summary>
    public Error? Point(out double? lat, out double? lon)
    {
        lon = null;
        var error = Coordinate(LatKeys, 90, out lat) ?? Coordinate(LonKeys, 180, out lon);
        return error;
    }

    /// <summary>Addok's FILTERS (type, postcode, citycode) with the values GET /search would echo.</summary>
    public Error? Filters(out List<KeyValuePair<string, List<string>>> filters)
    {
        filters = [];
        foreach (string name in AddokSettings.Filters)
        {
            if (!TryGetFilter(name, out var value))
            {
                continue;
            }

            var values = new List<string>();
            if (value.ValueKind == JsonValueKind.String)
            {
                Split(value.GetString()!, values);
            }
            else if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(static v => v.ValueKind == JsonValueKind.String))
            {
                foreach (var item in value.EnumerateArray())
                {
                    Split(item.GetString()!, values);
                }
            }
            else
            {
                return Error.Invalid("The value must be a string or an array of strings.", name);
            }

            if (values.Count > 0)
            {
                filters.Add(new(name, values));
            }
        }

        return null;
    }

    private Error? Coordinate(string[] keys, double bound, out double? coordinate)
    {
        coordinate = null;
        foreach (string key in keys)
        {
            if (!TryGet(key, out var value))
            {
                continue;
            }

            double parsed = 0;
            bool ok = value.ValueKind switch
            {
                JsonValueKind.Number => value.TryGetDouble(out parsed),
                JsonValueKind.String => AddokQuery.TryParseFloat(value.GetString(), out parsed),
                _ => false,
            };
            if (!ok || !double.IsFinite(parsed))
            {
                return Error.Invalid("invalid value", key);
            }

            if (parsed != 0 && Math.Abs(parsed) > bound)
            {
                return Error.Invalid("out of range", keys[0]);
            }

            coordinate = parsed;
            return null;
        }

        return null;
    }

    private bool TryGet(string name, out JsonElement value) => Member(own, name, out value) || Member(global, name, out value);

    /// <summary>The query's <c>filters.name</c> or <c>name</c>, then the batch's.</summary>
    private bool TryGetFilter(string name, out JsonElement value) =>
        Member(Nested(own), name, out value) || Member(own, name, out value) || Member(Nested(global), name, out value) || Member(global, name, out value);

    private static JsonElement Nested(JsonElement parameters) =>
        Member(parameters, "filters", out var filters) && filters.ValueKind == JsonValueKind.Object ? filters : default;

    private static bool Member(JsonElement parameters, string name, out JsonElement value)
    {
        value = default;
        return parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private static void Split(string text, List<string> values) =>
        values.AddRange(text.Split(['+', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
