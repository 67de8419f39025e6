using System.Buffers;
using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// Writes small JSON documents (request and answer bodies, stream chunks) into a buffer and writer that each thread
/// reuses, and copies out exactly the bytes written. A new <see cref="ArrayBufferWriter{T}"/> per body cost more than
/// the body: <see cref="Utf8JsonWriter"/> asks its output for at least 4 KiB on the first write, so every ~0.6 KB
/// answer dropped a 4 KiB+ array and a writer (about a sixth of what a routed request allocated).
/// </summary>
public sealed class JsonBytes
{
    /// <summary>A buffer grown past this by one large document is not kept for the next.</summary>
    private const int MaxKeptCapacity = 64 * 1024;

    private readonly JsonWriterOptions _options;
    private readonly ThreadLocal<Cached?> _cache = new(static () => null);

    /// <summary>Bodies written with <paramref name="options"/>.</summary>
    public JsonBytes(JsonWriterOptions options) => _options = options;

    /// <summary>Runs <paramref name="write"/> (synchronously) and returns the bytes it wrote.</summary>
    public byte[] ToBytes<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var cached = WriteIntoBuffer(state, write);
        var bytes = cached.Buffer.WrittenSpan.ToArray();
        GiveBack(cached);
        return bytes;
    }

    /// <summary>
    /// Runs <paramref name="write"/> (synchronously), then hands the bytes it wrote to <paramref name="use"/>, which must
    /// copy what it keeps: the buffer is the thread's, reused by its next document. For a document stored elsewhere
    /// (a kept decision) without an array of its own in between.
    /// </summary>
    public void Write<TState>(TState state, Action<Utf8JsonWriter, TState> write, ReadOnlySpanAction<byte, TState> use)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(use);
        var cached = WriteIntoBuffer(state, write);
        use(cached.Buffer.WrittenSpan, state);
        GiveBack(cached);
    }

    /// <summary>
    /// Writes the document into the thread's buffer, taken from the thread while in use, so that a nested call (a writer
    /// calling <see cref="ToBytes"/>) gets its own; <see cref="GiveBack"/> returns it.
    /// </summary>
    private Cached WriteIntoBuffer<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var cached = _cache.Value ?? new Cached(_options);
        _cache.Value = null;
        cached.Buffer.ResetWrittenCount();
        cached.Writer.Reset(cached.Buffer);
        write(cached.Writer, state);
        cached.Writer.Flush();
        return cached;
    }

    /// <summary>Keeps the buffer for the thread's next document, unless one large document grew it past <see cref="MaxKeptCapacity"/>.</summary>
    private void GiveBack(Cached cached)
    {
        if (cached.Buffer.Capacity <= MaxKeptCapacity)
        {
            _cache.Value = cached;
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> (synchronously) straight into <paramref name="output"/>, after what it already
    /// holds (e.g. a response's <c>PipeWriter</c>): no array in between. A streamed answer wrote two arrays per event
    /// (the JSON, then it framed as an SSE event), about a quarter of what a streamed request allocated.
    /// </summary>
    public void WriteTo<TState>(IBufferWriter<byte> output, TState state, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(write);
        var cached = _cache.Value ?? new Cached(_options);
        _cache.Value = null;
        cached.Writer.Reset(output);
        write(cached.Writer, state);
        cached.Writer.Flush();

        // Back onto the thread's own buffer: the cached writer must not keep (or later write into) the caller's output.
        cached.Writer.Reset(cached.Buffer);
        _cache.Value = cached;
    }

    private sealed class Cached(JsonWriterOptions options)
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new(4096);

        public Utf8JsonWriter Writer { get; } = new(Stream.Null, options);
    }
}
