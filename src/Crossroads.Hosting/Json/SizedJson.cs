using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Hosting.Json;

/// <summary>
/// Writes small JSON answers with <c>Content-Length</c> instead of chunked encoding: the value is serialized into a
/// per-thread buffer, the length set, and the bytes copied into the response pipe in one go. Kestrel then sends
/// headers and body in one write when the request ends; the framework's JSON results stream with chunked encoding,
/// which costs a second write (the terminating chunk), and allocate a writer and resolve options per request.
/// </summary>
public static class SizedJson
{
    /// <summary>The content type of the answers, as the framework's JSON results send it.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Sets the status, content type and length, and writes the serialized value.</summary>
    public static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(typeInfo);
        context.Response.StatusCode = statusCode;
        SizedJsonBuffer<JsonTypeInfo>.Write(context.Response, ContentType, WriterOptions(typeInfo.Options), (value, typeInfo), static (writer, state) => JsonSerializer.Serialize(writer, state.value, state.typeInfo));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sets the status, content type and length, and writes the members <paramref name="members"/> writes into one
    /// JSON object, with the encoder and indentation of <paramref name="options"/>: the same bytes the serializer would
    /// produce for a record with those members, without the record, its strings or the serializer, for hot answers
    /// whose members are already at hand as spans (e.g. a formatted address).
    /// </summary>
    public static void WriteObject<TState>(HttpContext context, JsonSerializerOptions options, TState state, Action<Utf8JsonWriter, TState> members, int statusCode = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(members);
        context.Response.StatusCode = statusCode;
        SizedJsonBuffer<JsonTypeInfo>.Write(context.Response, ContentType, WriterOptions(options), (state, members), static (writer, s) =>
        {
            writer.WriteStartObject();
            s.members(writer, s.state);
            writer.WriteEndObject();
        });
    }

    private static JsonWriterOptions WriterOptions(JsonSerializerOptions options) =>
        new() { Encoder = options.Encoder, Indented = options.WriteIndented, SkipValidation = true };
}

/// <summary>
/// A JSON result written by <see cref="SizedJson"/> (with <c>Content-Length</c>). Use in place of
/// <c>TypedResults.Ok(value)</c> for small answers; it describes itself to OpenAPI the same way.
/// </summary>
public sealed class SizedJsonResult<T> : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult, Microsoft.AspNetCore.Http.Metadata.IEndpointMetadataProvider
{
    private readonly JsonTypeInfo<T> _typeInfo;

    /// <summary>A 200 answer.</summary>
    public SizedJsonResult(T value, JsonTypeInfo<T> typeInfo)
        : this(value, typeInfo, StatusCodes.Status200OK)
    {
    }

    /// <summary>An answer with <paramref name="statusCode"/> (e.g. 201).</summary>
    public SizedJsonResult(T value, JsonTypeInfo<T> typeInfo, int statusCode)
    {
        Value = value;
        _typeInfo = typeInfo;
        StatusCode = statusCode;
    }

    /// <inheritdoc/>
    public T Value { get; }

    object? IValueHttpResult.Value => Value;

    /// <inheritdoc/>
    public int StatusCode { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <inheritdoc/>
    public string ContentType => SizedJson.ContentType;

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext httpContext) => SizedJson.WriteAsync(httpContext, Value, _typeInfo, StatusCode);

    /// <inheritdoc/>
    public static void PopulateMetadata(System.Reflection.MethodInfo method, Microsoft.AspNetCore.Builder.EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
    }
}
