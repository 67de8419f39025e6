using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace Crossroads.Hosting.Errors;

/// <summary>
/// Writes a direct problem's per-request members (<c>instance</c>, <c>requestId</c>, <c>traceId</c>) after its
/// pre-encoded head by copying bytes, without a JSON writer or the per-thread buffer, when none of the three values
/// needs escaping (ASCII the encoder leaves as is: request ids are printable ASCII by rule, trace ids hex, and most
/// paths plain). On the 429 answer (perf) the JSON writer, its encoder checks and the copy through the per-thread buffer
/// were ~0.25 µs of the rejection's ~1.4 µs. Values that need escaping go back to the writer, so the bytes never differ.
/// </summary>
internal sealed class PlainProblemTail(JavaScriptEncoder encoder)
{
    private static readonly byte[] InstanceMember = ",\"instance\":\""u8.ToArray();
    private static readonly byte[] RequestIdMember = ",\"requestId\":\""u8.ToArray();
    private static readonly byte[] TraceIdMember = ",\"traceId\":\""u8.ToArray();

    private readonly SearchValues<char> _plain = PlainAsciiOf(encoder);

    /// <summary>
    /// Sets the content type and length and writes <paramref name="head"/> and the members, or writes nothing and
    /// returns false when a value needs escaping under the encoder (or the request id is missing).
    /// </summary>
    public bool TryWrite(HttpResponse response, string contentType, ReadOnlySpan<byte> head, string? instance, string? requestId, string? traceId)
    {
        if (requestId is null || !IsPlain(instance) || !IsPlain(requestId) || !IsPlain(traceId))
        {
            return false;
        }

        var length = head.Length
            + (instance is null ? 0 : InstanceMember.Length + instance.Length + 1)
            + RequestIdMember.Length + requestId.Length + 1
            + (traceId is null ? 0 : TraceIdMember.Length + traceId.Length + 1)
            + 1;
        response.ContentType = contentType;
        response.ContentLength = length;

        var writer = response.BodyWriter;
        var span = writer.GetSpan(length);
        head.CopyTo(span);
        var at = head.Length;
        if (instance is not null)
        {
            at = Member(span, at, InstanceMember, instance);
        }

        at = Member(span, at, RequestIdMember, requestId);
        if (traceId is not null)
        {
            at = Member(span, at, TraceIdMember, traceId);
        }

        span[at] = (byte)'}';
        writer.Advance(length);
        return true;
    }

    private static int Member(Span<byte> span, int at, byte[] name, string value)
    {
        name.CopyTo(span[at..]);
        at += name.Length;
        Ascii.FromUtf16(value, span[at..], out var written);
        at += written;
        span[at] = (byte)'"';
        return at + 1;
    }

    private bool IsPlain(string? value) => value is null || !value.AsSpan().ContainsAnyExcept(_plain);

    /// <summary>
    /// The ASCII characters <paramref name="encoder"/> writes as they are (for the relaxed encoder: printable ASCII but
    /// the quote and the backslash), asked of the encoder itself, so the check cannot drift from the writer's.
    /// </summary>
    private static SearchValues<char> PlainAsciiOf(JavaScriptEncoder encoder)
    {
        var chars = new List<char>(128);
        for (var c = 0; c < 128; c++)
        {
            if (!encoder.WillEncode(c))
            {
                chars.Add((char)c);
            }
        }

        return SearchValues.Create([.. chars]);
    }
}
