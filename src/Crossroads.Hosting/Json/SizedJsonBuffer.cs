using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Hosting.Json;

/// <summary>
/// Writes a small JSON body with <c>Content-Length</c>: serialized into a per-thread buffer (one per
/// <typeparamref name="TOwner"/>, so writers with different options never share one), the length set, and the bytes
/// copied into the response pipe in one go. Kestrel then sends headers and body in one write when the request ends.
/// </summary>
internal static class SizedJsonBuffer<TOwner>
{
    /// <summary>Buffers that grew past this are dropped after use rather than kept by the thread.</summary>
    private const int MaxRetainedBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static void Write<TState>(HttpResponse response, string contentType, JsonWriterOptions options, TState state, Action<Utf8JsonWriter, TState> write) =>
        Write(response, contentType, options, default, state, write);

    /// <summary>
    /// With a non-empty <paramref name="head"/> (an object's first members, pre-encoded: <c>{"a":1,"b":2</c>, no
    /// closing brace), <paramref name="write"/> writes an object of the remaining members and its opening brace
    /// becomes the comma after the head: the same bytes one writer would have written for all members, with the
    /// head's copied instead of encoded again.
    /// </summary>
    public static void Write<TState>(HttpResponse response, string contentType, JsonWriterOptions options, ReadOnlySpan<byte> head, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        var writer = t_writer;
        if (writer is null || writer.Options.Encoder != options.Encoder || writer.Options.Indented != options.Indented)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, options);
        }
        else
        {
            writer.Reset(buffer);
        }

        try
        {
            if (!head.IsEmpty)
            {
                buffer.Write(head);
            }

            write(writer, state);
            writer.Flush();
            if (!head.IsEmpty)
            {
                System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer.WrittenMemory).Span[head.Length] = (byte)',';
            }

            response.ContentType = contentType;
            response.ContentLength = buffer.WrittenCount;

            // Copied now: the buffer is reused by the next request on this thread. Kestrel flushes when the request ends.
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
    }
}
