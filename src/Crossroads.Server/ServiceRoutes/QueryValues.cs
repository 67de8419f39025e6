using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>Query-string parsing with Traffic Manager's error names ("Invalid limit", "Invalid days", …).</summary>
internal static class QueryValues
{
    /// <summary>The value, or null when absent or empty.</summary>
    public static string? Optional(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0];
    }

    /// <summary>An integer in [min, max], <paramref name="fallback"/> when absent; else a 400 named <paramref name="error"/>.</summary>
    public static bool TryInt(IQueryCollection query, string name, int fallback, int min, int max, string error, out int value, out ProblemHttpResult problem)
    {
        problem = null!;
        string? text = Optional(query, name);
        if (text is null)
        {
            value = fallback;
            return true;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        problem = TrafficManagerProblems.Create(StatusCodes.Status400BadRequest, error, $"{name} must be an integer between {min} and {max}, got '{Cut(text)}'");
        return false;
    }

    /// <summary>An ISO 8601 timestamp; one without an offset is taken as UTC.</summary>
    public static bool TryTimestamp(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    public static string Cut(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
