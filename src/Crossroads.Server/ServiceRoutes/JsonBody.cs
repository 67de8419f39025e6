using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// Reads a write's body strictly: <c>application/json</c> (else 415), at most <see cref="MaxBytes"/> (else 413),
/// well-formed (else 400), a non-empty object (else Traffic Manager's "Request body must be JSON"), only known members
/// (an unknown one is named in the 400), and the raw bytes kept for the idempotency fingerprint.
/// </summary>
internal sealed class JsonBody : IDisposable
{
    public const int MaxBytes = 64 * 1024;

    private readonly JsonDocument _document;

    private JsonBody(JsonDocument document, byte[] bytes)
    {
        _document = document;
        Bytes = bytes;
    }

    public JsonElement Root => _document.RootElement;

    public byte[] Bytes { get; }

    public static async Task<(JsonBody? Body, ProblemHttpResult? Error)> ReadAsync(HttpRequest request, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        bool hasBody = request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (hasBody && !IsJson(request.ContentType))
        {
            return (null, TrafficManagerProblems.Create(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type",
                $"the body must be application/json, got '{request.ContentType ?? "(no Content-Type)"}'"));
        }

        byte[]? bytes = await ReadLimitedAsync(request.BodyReader, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (null, TooLarge());
        }

        if (bytes.Length == 0)
        {
            return (null, TrafficManagerProblems.NotJson("the request has no body; send a JSON object"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return (null, TrafficManagerProblems.Create(StatusCodes.Status400BadRequest, "Invalid JSON", $"the body is not well-formed JSON: {e.Message}"));
        }

        var root = document.RootElement;
        ProblemHttpResult? shapeError = null;
        if (JsonText.FindInvalidString(root) is { } invalid)
        {
            shapeError = TrafficManagerProblems.Create(StatusCodes.Status400BadRequest, "Invalid JSON", $"the body is not well-formed JSON: {JsonText.Describe(invalid)}");
        }
        else if (root.ValueKind != JsonValueKind.Object || !root.EnumerateObject().Any())
        {
            shapeError = TrafficManagerProblems.NotJson(root.ValueKind == JsonValueKind.Object ? "the body is an empty object" : $"the body must be a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}");
        }
        else if (root.EnumerateObject().FirstOrDefault(member => !allowed.Contains(member.Name)) is { Value.ValueKind: not JsonValueKind.Undefined } unknown)
        {
            shapeError = TrafficManagerProblems.Validation($"unknown field '{QueryValues.Cut(unknown.Name)}' (allowed: {string.Join(", ", allowed)})");
        }

        if (shapeError is not null)
        {
            document.Dispose();
            return (null, shapeError);
        }

        return (new JsonBody(document, bytes), null);
    }

    /// <summary>The string members named; a missing or null one is reported missing, another type is an error.</summary>
    public (Dictionary<string, string> Values, List<string> Missing, string? Error) Strings(IEnumerable<string> names)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (string name in names)
        {
            if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                missing.Add(name);
            }
            else if (value.ValueKind != JsonValueKind.String)
            {
                return (values, missing, $"{name}: must be a string, got {value.ValueKind.ToString().ToLowerInvariant()}");
            }
            else if (value.GetString() is { Length: 0 })
            {
                missing.Add(name);
            }
            else
            {
                values[name] = value.GetString()!;
            }
        }

        return (values, missing, null);
    }

    public void Dispose() => _document.Dispose();

    private static ProblemHttpResult TooLarge() =>
        TrafficManagerProblems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the body exceeds {MaxBytes} bytes");

    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        int semicolon = mediaType.IndexOf(';');
        mediaType = (semicolon >= 0 ? mediaType[..semicolon] : mediaType).Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<byte[]?> ReadLimitedAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > MaxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                byte[] bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            // Not consumed: the next read returns everything so far plus what arrived.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
