using System.Globalization;
using System.Text.Json;

namespace Crossroads.RoutingTable.Tests.Parsing;

/// <summary>One input run through CPython's <c>ipaddress</c> by Vectors/generate_vectors.py.</summary>
internal sealed record PythonVector(
    string Kind, string Input, bool Ok, string? Str, UInt128? Value, bool? IsV6, int? PrefixLength, string? Differs)
{
    /// <summary>What Crossroads must answer: Python's verdict, except where we reject on purpose (zone ids).</summary>
    public bool ExpectAccepted => Ok && Differs is null;

    /// <summary>The input with control and non-ASCII characters escaped, for failure messages.</summary>
    public string Shown => JsonSerializer.Serialize(Input);

    public override string ToString() => $"{Kind} {Shown}";
}

internal static class PythonVectors
{
    private static readonly Lazy<(string Python, IReadOnlyList<PythonVector> Vectors)> Loaded = new(Load);

    public static string PythonVersion => Loaded.Value.Python;

    public static IReadOnlyList<PythonVector> All => Loaded.Value.Vectors;

    public static IEnumerable<PythonVector> OfKind(string kind) => All.Where(v => v.Kind == kind);

    private static (string, IReadOnlyList<PythonVector>) Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Vectors", "ip_vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        var vectors = new List<PythonVector>();
        foreach (JsonElement v in root.GetProperty("vectors").EnumerateArray())
        {
            vectors.Add(new PythonVector(
                v.GetProperty("kind").GetString()!,
                v.GetProperty("input").GetString()!,
                v.GetProperty("ok").GetBoolean(),
                NullableString(v, "str"),
                NullableString(v, "value") is { } hex ? UInt128.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : null,
                v.GetProperty("v6").ValueKind == JsonValueKind.Null ? null : v.GetProperty("v6").GetBoolean(),
                v.GetProperty("prefixlen").ValueKind == JsonValueKind.Null ? null : v.GetProperty("prefixlen").GetInt32(),
                NullableString(v, "differs")));
        }

        return (root.GetProperty("python").GetString()!, vectors);
    }

    private static string? NullableString(JsonElement element, string name) =>
        element.GetProperty(name).ValueKind == JsonValueKind.Null ? null : element.GetProperty(name).GetString();
}
