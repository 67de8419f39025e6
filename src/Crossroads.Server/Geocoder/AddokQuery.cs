using System.Globalization;
using Crossroads.Geocoding.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Parameter parsing as Addok's views do through Falcon (<c>get_param</c> takes the last value, <c>get_param_as_int</c>,
/// <c>get_param_as_bool</c>, <c>parse_float</c>, <c>parse_lon_lat</c>, <c>match_filters</c>), with Falcon's messages.
/// </summary>
internal static class AddokQuery
{
    private static readonly string[] TrueValues = ["true", "True", "t", "yes", "y", "1", "on"];
    private static readonly string[] FalseValues = ["false", "False", "f", "no", "n", "0", "off"];

    /// <summary>Falcon's <c>get_param</c>: the last value, null when absent (blank values are kept).</summary>
    public static string? Param(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count == 0 ? null : values[^1];
    }

    /// <summary>Falcon's <c>get_param_as_int</c>.</summary>
    public static bool TryInt(IQueryCollection query, string name, out int? value, out ProblemHttpResult? problem)
    {
        problem = null;
        value = null;
        string? text = Param(query, name);
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int parsed))
        {
            value = parsed;
            return true;
        }

        problem = AddokProblems.InvalidParam("The value must be an integer.", name);
        return false;
    }

    /// <summary>Falcon's <c>get_param_as_bool</c> (a blank value is true).</summary>
    public static bool TryBool(IQueryCollection query, string name, out bool? value, out ProblemHttpResult? problem)
    {
        problem = null;
        value = null;
        string? text = Param(query, name);
        if (text is null)
        {
            return true;
        }

        if (TryParseBool(text, out bool parsed))
        {
            value = parsed;
            return true;
        }

        problem = AddokProblems.InvalidParam("The value of the parameter must be \"true\" or \"false\".", name);
        return false;
    }

    /// <summary>Falcon's boolean words (a blank value is true).</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        value = text.Length == 0 || Array.IndexOf(TrueValues, text) >= 0;
        return value || Array.IndexOf(FalseValues, text) >= 0;
    }

    /// <summary>Addok's <c>parse_lon_lat</c>: lat (latitude), lon (lng, long, longitude), range-checked when non-zero.</summary>
    public static bool TryLonLat(IQueryCollection query, out double? lon, out double? lat, out ProblemHttpResult? problem)
    {
        lon = null;
        if (!TryFloat(query, out lat, out problem, "lat", "latitude") || !TryFloat(query, out lon, out problem, "lon", "lng", "long", "longitude"))
        {
            return false;
        }

        if (lon is { } x && x != 0 && (x > 180 || x < -180))
        {
            problem = AddokProblems.InvalidParam("out of range", "lon");
            return false;
        }

        if (lat is { } y && y != 0 && (y > 90 || y < -90))
        {
            problem = AddokProblems.InvalidParam("out of range", "lat");
            return false;
        }

        return true;
    }

    /// <summary>Python's <c>float()</c> of the first present key (finite values only: "nan" and "inf" are refused here).</summary>
    public static bool TryParseFloat(string? text, out double value)
    {
        value = 0;
        return text is not null
            && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    /// <summary>Addok's <c>match_filters</c>: each of FILTERS, all its values, split on spaces, stripped, blanks dropped.</summary>
    public static List<KeyValuePair<string, List<string>>> Filters(Func<string, StringValues> lookup)
    {
        var filters = new List<KeyValuePair<string, List<string>>>();
        foreach (string name in AddokSettings.Filters)
        {
            var values = lookup(name);
            if (values.Count == 0)
            {
                continue;
            }

            var expanded = new List<string>();
            foreach (string? value in values)
            {
                string text = value ?? string.Empty;
                if (text.Contains(' ', StringComparison.Ordinal))
                {
                    expanded.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                }
                else
                {
                    expanded.Add(text.Trim());
                }
            }

            filters.Add(new(name, expanded));
        }

        return filters;
    }

    /// <summary>Addok's <c>search()</c> arguments: a centre only when both coordinates are non-zero, the filters by name.</summary>
    public static SearchOptions SearchOptions(int limit, bool autocomplete, double? lat, double? lon, List<KeyValuePair<string, List<string>>> filters)
    {
        bool centred = IsCentre(lat, lon);
        return new SearchOptions
        {
            Limit = limit,
            Autocomplete = autocomplete,
            Lat = centred ? lat : null,
            Lon = centred ? lon : null,
            Types = Values(filters, "type"),
            Postcodes = Values(filters, "postcode"),
            Citycodes = Values(filters, "citycode"),
        };
    }

    /// <summary>Addok's <c>reverse()</c> arguments.</summary>
    public static ReverseOptions ReverseOptions(int limit, List<KeyValuePair<string, List<string>>> filters, double maxDistanceMeters) => new()
    {
        Limit = limit,
        Types = Values(filters, "type"),
        Postcodes = Values(filters, "postcode"),
        Citycodes = Values(filters, "citycode"),
        MaxDistanceMeters = maxDistanceMeters,
    };

    /// <summary>Addok ignores a centre with a zero coordinate (its "if lat and lon").</summary>
    public static bool IsCentre(double? lat, double? lon) => lat is { } y && y != 0 && lon is { } x && x != 0;

    public static List<string>? Values(List<KeyValuePair<string, List<string>>> filters, string name)
    {
        foreach (var (key, values) in filters)
        {
            if (key == name)
            {
                return values;
            }
        }

        return null;
    }

    private static bool TryFloat(IQueryCollection query, out double? value, out ProblemHttpResult? problem, params string[] keys)
    {
        value = null;
        problem = null;
        foreach (string key in keys)
        {
            string? text = Param(query, key);
            if (text is null)
            {
                continue;
            }

            if (!TryParseFloat(text, out double parsed))
            {
                problem = AddokProblems.InvalidParam("invalid value", key);
                return false;
            }

            value = parsed;
            return true;
        }

        return true;
    }
}
