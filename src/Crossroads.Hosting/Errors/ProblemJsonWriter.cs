using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Errors;

/// <summary>
/// Writes problems as <c>application/problem+json</c> whatever the client's <c>Accept</c> header says (the default
/// writer stays silent for e.g. <c>Accept: text/html</c>, leaving an empty error body). Writes the standard members
/// by hand so it works even when a module's JSON options only know source-generated types.
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public const string ContentType = "application/problem+json";

    // Details quote user input ('abc' is not ...): keep quotes readable instead of \u0027. The body is served as
    // application/problem+json, never embedded in HTML, so HTML-sensitive escaping buys nothing here.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int MaxRetainedBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        // The shaper is also in CustomizeProblemDetails (for any other writer); it is idempotent, and applying it
        // here first keeps the shape even if a module replaced that delegate instead of adding to it.
        ProblemShaper.Apply(context);
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        var response = context.HttpContext.Response;

        // Serialized into a per-thread buffer first so the answer carries Content-Length (not chunked encoding) and
        // goes out in one write when the request ends.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, WriterOptions);
        }
        else
        {
            writer.Reset(buffer);
        }

        try
        {
            writer.WriteStartObject();
            WriteIfNotNull(writer, "type", problem.Type);
            WriteIfNotNull(writer, "title", problem.Title);
            if (problem.Status is { } status)
            {
                writer.WriteNumber("status", status);
            }

            WriteIfNotNull(writer, "detail", problem.Detail);
            WriteIfNotNull(writer, "instance", problem.Instance);
            foreach (var (name, value) in problem.Extensions)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
            writer.Flush();
            response.ContentType = ContentType;
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity > MaxRetainedBytes)
            {
                t_buffer = null;
                t_writer = null;
            }
        }

        return ValueTask.CompletedTask;
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d: writer.WriteNumberValue(d); break;
            case bool b: writer.WriteBooleanValue(b); break;
            default:
                // Module-specific extension (e.g. a list of invalid fields): serialize with the app's JSON options.
                JsonSerializer.Serialize(writer, value, value.GetType(), jsonOptions.Value.SerializerOptions);
                break;
        }
    }
}
