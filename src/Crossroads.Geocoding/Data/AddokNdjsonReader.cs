using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Crossroads.Geocoding.Data;

/// <summary>
/// Streams Addok's NDJSON import format (one document a line, optionally gzip-compressed: the ".gz" extension or the
/// gzip magic bytes select decompression). Blank lines are skipped; a malformed line throws
/// <see cref="FormatException"/> naming its line number.
/// </summary>
public static class AddokNdjsonReader
{
    private static readonly HashSet<string> KnownKeys =
    [
        "id", "_id", "_action", "type", "name", "postcode", "citycode", "city", "context", "street", "lat", "lon",
        "x", "y", "importance", "housenumbers",
    ];

    // Extra fields of the BAN configuration that are indexed as text (EXTRA_FIELDS, citycode handled apart).
    private static readonly HashSet<string> IndexedExtras = ["oldcitycode", "oldcity", "district"];

    /// <summary>Reads a file (.ndjson or .ndjson.gz).</summary>
    public static IEnumerable<AddokDocument> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        foreach (var doc in Read(stream))
        {
            yield return doc;
        }
    }

    /// <summary>Reads a stream; gzip is detected from its first two bytes.</summary>
    public static IEnumerable<AddokDocument> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var isGzip = false;
        if (buffered.CanSeek)
        {
            var n = buffered.Read(magic);
            isGzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            buffered.Position = 0;
        }
        Stream input = isGzip ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
        using var reader = new StreamReader(input);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            AddokDocument doc;
            try
            {
                doc = Parse(line);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"line {lineNumber}: {e.Message}", e);
            }
            yield return doc;
        }
    }

    /// <summary>Parses one document line.</summary>
    public static AddokDocument Parse(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a document must be a JSON object");
        }
        var id = Scalar(root, "id") ?? Scalar(root, "_id")
            ?? throw new FormatException("a document needs an id");
        var action = (Scalar(root, "_action") ?? "index") switch
        {
            "update" => DocumentAction.Update,
            "delete" => DocumentAction.Delete,
            _ => DocumentAction.Index,
        };
        if (action == DocumentAction.Delete)
        {
            return new AddokDocument { Id = id, Action = action };
        }
        var extras = new List<KeyValuePair<string, string>>();
        var otherIndexed = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (KnownKeys.Contains(property.Name))
            {
                continue;
            }
            var values = Values(property.Value);
            if (values.Count == 0)
            {
                continue;
            }
            if (IndexedExtras.Contains(property.Name))
            {
                otherIndexed.AddRange(values);
            }
            if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True
                or JsonValueKind.False || property.Value.ValueKind == JsonValueKind.Array)
            {
                var first = property.Value.ValueKind == JsonValueKind.Array ? property.Value[0] : property.Value;
                extras.Add(new(property.Name, first.GetRawText()));
            }
        }
        return new AddokDocument
        {
            Id = id,
            Action = action,
            Type = Scalar(root, "type") ?? "",
            Names = Values(root, "name"),
            Postcodes = Values(root, "postcode"),
            Citycodes = Values(root, "citycode"),
            Cities = Values(root, "city"),
            Contexts = Values(root, "context"),
            Streets = Values(root, "street"),
            OtherIndexed = otherIndexed,
            Extras = extras,
            Lat = Number(root, "lat") ?? throw new FormatException($"document {id} has no lat"),
            Lon = Number(root, "lon") ?? throw new FormatException($"document {id} has no lon"),
            X = Number(root, "x"),
            Y = Number(root, "y"),
            Importance = Number(root, "importance") ?? 0.0,
            Housenumbers = Housenumbers(root, id),
        };
    }

    private static List<AddokHousenumber> Housenumbers(JsonElement root, string id)
    {
        var list = new List<AddokHousenumber>();
        if (!root.TryGetProperty("housenumbers", out var hns) || hns.ValueKind != JsonValueKind.Object)
        {
            return list;
        }
        foreach (var hn in hns.EnumerateObject())
        {
            var data = hn.Value;
            list.Add(new AddokHousenumber
            {
                Raw = hn.Name,
                Id = Scalar(data, "id") ?? "",
                Lat = Number(data, "lat") ?? throw new FormatException($"housenumber {hn.Name} of {id} has no lat"),
                Lon = Number(data, "lon") ?? throw new FormatException($"housenumber {hn.Name} of {id} has no lon"),
                X = Number(data, "x"),
                Y = Number(data, "y"),
            });
        }
        return list;
    }

    private static string? Scalar(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        var values = Values(value);
        return values.Count > 0 ? values[0] : null;
    }

    private static List<string> Values(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? Values(value) : [];

    private static List<string> Values(JsonElement value)
    {
        var list = new List<string>();
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var s = value.GetString();
                if (!string.IsNullOrEmpty(s))
                {
                    list.Add(s);
                }
                break;
            case JsonValueKind.Number:
                list.Add(value.GetRawText());
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    list.AddRange(Values(item));
                }
                break;
            default:
                break;
        }
        return list;
    }

    private static double? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }
}
