using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Crossroads.Geocoding.Search;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Renders answers as Addok's geojson formatter and its <c>View.render</c> do (addok/helpers/formatters.py,
/// addok/http/base.py): a FeatureCollection with <c>type</c>, <c>version</c>, <c>features</c>, <c>attribution</c>,
/// <c>licence</c>, then <c>query</c>, <c>filters</c>, <c>center</c>, <c>limit</c> when set; falsy properties skipped;
/// floats that Python prints with ".0" printed so. Written with a Content-Length from a per-thread buffer.
/// </summary>
internal static class GeoJson
{
    public const string ContentType = "application/json; charset=utf-8";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // UTF-8 as is (Addok escapes non-ASCII as \uXXXX: the same JSON, more bytes).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_compressed;

    /// <summary>What the collection echoes besides its features.</summary>
    public readonly record struct Echo(string? Query, IReadOnlyList<KeyValuePair<string, List<string>>> Filters, double? CenterLon, double? CenterLat, int Limit);

    public static Task WriteCollectionAsync(HttpContext context, IReadOnlyList<GeocodeResult> results, Echo echo) =>
        Write(context, (results, echo), static (w, state) => Collection(w, state.results, state.echo));

    public static Task WriteFeatureAsync(HttpContext context, GeocodeResult result) =>
        Write(context, result, static (w, r) => Feature(w, r, withScore: false));

    /// <summary>Renders a 200 JSON answer into a per-thread buffer, compresses it when asked, and sends it with its length.</summary>
    internal static Task Write<TState>(HttpContext context, TState state, Action<Utf8JsonWriter, TState> render)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, WriterOptions);
        }
        else
        {
            writer.Reset(buffer);
        }

        render(writer, state);
        writer.Flush();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        ReadOnlySpan<byte> bytes = buffer.WrittenSpan;
        string? coding = ContentCoding.Choose(context.Request);
        if (coding is not null && bytes.Length >= ContentCoding.MinJsonBytes
            && ContentCoding.TryCompress(coding, bytes, t_compressed ??= new ArrayBufferWriter<byte>(4096)))
        {
            bytes = t_compressed.WrittenSpan;
        }
        else
        {
            coding = null;
        }

        ContentCoding.SetHeaders(response, coding);
        response.ContentLength = bytes.Length;
        response.BodyWriter.Write(bytes);
        if (buffer.Capacity > 1 << 20 || t_compressed?.Capacity > 1 << 20)
        {
            t_buffer = null; // do not keep a huge buffer per thread after a limit=100 answer with long labels
            t_writer = null;
            t_compressed = null;
        }

        return Task.CompletedTask;
    }

    private static void Collection(Utf8JsonWriter w, IReadOnlyList<GeocodeResult> results, Echo echo)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "FeatureCollection"u8);
        w.WriteString("version"u8, "draft"u8);
        w.WriteStartArray("features"u8);
        foreach (var r in results)
        {
            Feature(w, r, withScore: true);
        }

        w.WriteEndArray();
        w.WriteString("attribution"u8, AddokSettings.Attribution);
        w.WriteString("licence"u8, AddokSettings.Licence);
        if (!string.IsNullOrEmpty(echo.Query))
        {
            w.WriteString("query"u8, echo.Query);
        }

        if (echo.Filters.Count > 0)
        {
            w.WriteStartObject("filters"u8);
            foreach (var (name, values) in echo.Filters)
            {
                w.WriteStartArray(name);
                foreach (var v in values)
                {
                    w.WriteStringValue(v);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        if (echo.CenterLon is { } lon && echo.CenterLat is { } lat)
        {
            w.WriteStartArray("center"u8);
            Float(w, lon);
            Float(w, lat);
            w.WriteEndArray();
        }

        if (echo.Limit != 0)
        {
            w.WriteNumber("limit"u8, echo.Limit);
        }

        w.WriteEndObject();
    }

    /// <summary>One Feature: addok/helpers/formatters.py <c>geojson</c>.</summary>
    public static void Feature(Utf8JsonWriter w, GeocodeResult r, bool withScore)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "Feature"u8);
        w.WriteStartObject("geometry"u8);
        w.WriteString("type"u8, "Point"u8);
        w.WriteStartArray("coordinates"u8);
        Float(w, r.Lon);
        Float(w, r.Lat);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("properties"u8);
        Properties(w, r, withScore);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The members of a feature's <c>properties</c>, in Addok's order (also a batch answer's <c>result</c>).</summary>
    public static void Properties(Utf8JsonWriter w, GeocodeResult r, bool withScore)
    {
        w.WriteString("label"u8, r.Label);
        if (withScore)
        {
            w.WritePropertyName("score"u8);
            Float(w, r.Score);
        }

        OptionalString(w, "housenumber"u8, r.Housenumber);
        OptionalString(w, "id"u8, r.Id);
        OptionalString(w, "name"u8, r.Name);
        OptionalString(w, "postcode"u8, r.Postcode);
        OptionalString(w, "citycode"u8, r.Citycode);
        OptionalNumber(w, "x"u8, r.X);
        OptionalNumber(w, "y"u8, r.Y);
        OptionalString(w, "city"u8, r.City);
        OptionalString(w, "context"u8, r.Context);
        OptionalString(w, "type"u8, r.Type);
        OptionalNumber(w, "importance"u8, r.Importance);
        bool typeKeyTaken = IsRenderedKey(r, r.DocumentType);
        foreach (var (key, raw) in r.Extras)
        {
            if (!IsFalsy(raw))
            {
                w.WritePropertyName(key);
                w.WriteRawValue(raw, skipInputValidation: true);
                typeKeyTaken |= key == r.DocumentType;
            }
        }

        if (!typeKeyTaken && !string.IsNullOrEmpty(r.DocumentType))
        {
            // The document's type as a key holding its name, before the housenumber was prefixed to it.
            w.WriteString(r.DocumentType, r.DocumentName);
        }

        if (r.Distance is { } distance)
        {
            w.WriteNumber("distance"u8, distance);
        }
    }

    /// <summary>A float as Python's <c>repr</c> prints it: shortest round trip, ".0" on integral values.</summary>
    public static void Float(Utf8JsonWriter w, double value)
    {
        Span<char> text = stackalloc char[32];
        if (!double.IsFinite(value) || !value.TryFormat(text, out int n, "R", CultureInfo.InvariantCulture))
        {
            w.WriteNullValue();
            return;
        }

        if (text[..n].IndexOfAny('.', 'E') < 0)
        {
            text[n++] = '.';
            text[n++] = '0';
        }

        w.WriteRawValue(text[..n], skipInputValidation: true);
    }

    /// <summary>Python's <c>str(float)</c> (for CSV cells).</summary>
    public static string PythonFloat(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny('.', 'E') < 0 && double.IsFinite(value) ? text + ".0" : text;
    }

    private static bool IsRenderedKey(GeocodeResult r, string key) => key switch
    {
        "label" => true,
        "score" => true,
        "housenumber" => !string.IsNullOrEmpty(r.Housenumber),
        "id" => !string.IsNullOrEmpty(r.Id),
        "name" => !string.IsNullOrEmpty(r.Name),
        "postcode" => !string.IsNullOrEmpty(r.Postcode),
        "citycode" => !string.IsNullOrEmpty(r.Citycode),
        "city" => !string.IsNullOrEmpty(r.City),
        "context" => !string.IsNullOrEmpty(r.Context),
        "type" => true,
        _ => false,
    };

    private static bool IsFalsy(string raw) => raw is "null" or "\"\"" or "0" or "0.0" or "false" or "[]" or "{}";

    private static void OptionalString(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteString(name, value);
        }
    }

    private static void OptionalNumber(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } v && v != 0 && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
    }
}
