using Crossroads.Hosting.Json;
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

    private static readonly PlainProblemTail PlainTail = new(WriterOptions.Encoder!);

    private static readonly System.Reflection.MethodInfo ShaperMethod = ((Action<ProblemDetailsContext>)ProblemShaper.Apply).Method;

    private bool? _canWriteDirect;

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        // The shaper is also in CustomizeProblemDetails (for any other writer); it is idempotent, and applying it
        // here first keeps the shape even if a module replaced that delegate instead of adding to it.
        ProblemShaper.Apply(context);
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        WriteBody(context.HttpContext.Response, (this, context.ProblemDetails), static (writer, state) =>
        {
            var (self, problem) = state;
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
                self.WriteValue(writer, value);
            }
        });
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// True when no module customizes problems (the only <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>
    /// is the chassis shaper): then <see cref="WriteDirect(HttpContext, int, string)"/> gives byte-identical answers.
    /// </summary>
    public bool CanWriteDirect => _canWriteDirect ??= problemOptions.Value.CustomizeProblemDetails is not { } customize
        || customize.GetInvocationList().All(static d => d.Method == ShaperMethod);

    /// <summary>
    /// A chassis problem (429 and the like) written without the problem service's objects (context, details and its
    /// extension dictionary, ~300 bytes): the same members, in the same order, as the shaper and
    /// <see cref="WriteAsync"/> produce. Use only when <see cref="CanWriteDirect"/>.
    /// </summary>
    public void WriteDirect(HttpContext http, int status, string detail) => WriteDirect(http, status, EncodeHead(status, detail));

    /// <summary>
    /// As <see cref="WriteDirect(HttpContext, int, string)"/>, with the members that do not vary by request (type,
    /// title, status, detail) already encoded by <see cref="EncodeHead"/> and copied: callers that answer the same
    /// problem often (429) keep the head.
    /// </summary>
    public void WriteDirect(HttpContext http, int status, ReadOnlySpan<byte> head)
    {
        var response = http.Response;
        response.StatusCode = status;
        if (!response.HasStarted)
        {
            response.Headers[Correlation.RequestIds.HeaderName] = http.TraceIdentifier;
        }

        var traceId = http.Features.Get<Correlation.RequestLogScope>()?.TraceId ?? System.Diagnostics.Activity.Current?.TraceId.ToHexString();
        var instance = http.Request.PathBase.Add(http.Request.Path).Value;
        if (!PlainTail.TryWrite(response, ContentType, head, instance, http.TraceIdentifier, traceId))
        {
            WriteTail(response, head, instance, http.TraceIdentifier, traceId);
        }
    }

    /// <summary>
    /// The members after <paramref name="head"/> through the JSON writer: the reference <see cref="PlainProblemTail"/>
    /// must match byte for byte, and the path for values that need escaping.
    /// </summary>
    internal static void WriteTail(HttpResponse response, ReadOnlySpan<byte> head, string? instance, string? requestId, string? traceId) =>
        SizedJsonBuffer<ProblemJsonWriter>.Write(response, ContentType, WriterOptions, head, (instance, requestId, traceId), static (writer, state) =>
        {
            var (instance, requestId, traceId) = state;
            writer.WriteStartObject();
            WriteIfNotNull(writer, "instance", instance);
            writer.WriteString("requestId", requestId);
            WriteIfNotNull(writer, "traceId", traceId);
            writer.WriteEndObject();
        });

    /// <summary>As <see cref="WriteTail"/> through <see cref="PlainProblemTail"/>, for tests: false when it declined.</summary>
    internal static bool TryWritePlainTail(HttpResponse response, ReadOnlySpan<byte> head, string? instance, string? requestId, string? traceId) =>
        PlainTail.TryWrite(response, ContentType, head, instance, requestId, traceId);

    /// <summary>The first members of a direct problem (<c>{"type":…,"title":…,"status":…,"detail":…</c>), UTF-8, no closing brace.</summary>
    public static byte[] EncodeHead(int status, string detail)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", ProblemTypes.For(status));
            writer.WriteString("title", ProblemTypes.TitleFor(status));
            writer.WriteNumber("status", status);
            writer.WriteString("detail", detail);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan[..^1].ToArray();
    }

    /// <summary>
    /// Serializes into a per-thread buffer first so the answer carries Content-Length (not chunked encoding) and goes
    /// out in one write when the request ends.
    /// </summary>
    private static void WriteBody<TState>(HttpResponse response, TState state, Action<Utf8JsonWriter, TState> members) =>
        SizedJsonBuffer<ProblemJsonWriter>.Write(response, ContentType, WriterOptions, (state, members), static (writer, s) =>
        {
            writer.WriteStartObject();
            s.members(writer, s.state);
            writer.WriteEndObject();
        });

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
