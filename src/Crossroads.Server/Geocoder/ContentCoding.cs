using System.Buffers;
using System.IO.Compression;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Response compression for the geocoder's answers (the chassis has none): Brotli or gzip as the client's
/// Accept-Encoding allows (q=0 refuses), at the fastest level; JSON answers under one packet are sent as they are.
/// </summary>
internal static class ContentCoding
{
    /// <summary>Below this, compressing saves no packet.</summary>
    public const int MinJsonBytes = 1400;

    /// <summary>"br", "gzip" or null.</summary>
    public static string? Choose(HttpRequest request)
    {
        var header = request.Headers.AcceptEncoding;
        if (StringValues.IsNullOrEmpty(header) || !StringWithQualityHeaderValue.TryParseList(header, out var codings))
        {
            return null;
        }

        bool br = false, gzip = false;
        foreach (var coding in codings)
        {
            if (coding.Quality is 0)
            {
                continue;
            }

            br |= coding.Value.Equals("br", StringComparison.OrdinalIgnoreCase);
            gzip |= coding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        }

        return br ? "br" : gzip ? "gzip" : null;
    }

    /// <summary>Compresses a small answer into <paramref name="output"/>; false when not worth it (the caller sends it plain).</summary>
    public static bool TryCompress(string coding, ReadOnlySpan<byte> body, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        if (coding == "br")
        {
            var span = output.GetSpan(BrotliEncoder.GetMaxCompressedLength(body.Length));
            if (!BrotliEncoder.TryCompress(body, span, out int written, quality: 2, window: 22))
            {
                return false;
            }

            output.Advance(written);
        }
        else
        {
            using var stream = new ArrayBufferStream(output);
            using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(body);
            }
        }

        return output.WrittenCount < body.Length;
    }

    /// <summary>Wraps a streamed body in the chosen coding; disposing the result writes the trailer.</summary>
    public static Stream Wrap(string coding, Stream body) => coding == "br"
        ? new BrotliStream(body, CompressionLevel.Fastest, leaveOpen: true)
        : new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true);

    /// <summary>Marks the answer as varying with Accept-Encoding and, when compressed, names the coding.</summary>
    public static void SetHeaders(HttpResponse response, string? coding)
    {
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (coding is not null)
        {
            response.Headers.ContentEncoding = coding;
        }
    }

    /// <summary>A write-only stream over an <see cref="ArrayBufferWriter{T}"/>.</summary>
    private sealed class ArrayBufferStream(ArrayBufferWriter<byte> output) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => output.WrittenCount;

        public override long Position { get => output.WrittenCount; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => output.Write(buffer);
    }
}
