using Microsoft.AspNetCore.Http.Features;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// The part of the request path after its first segment, as the client sent it. Kestrel decodes the path
/// except <c>%2F</c>, so route values cannot tell <c>%2F</c> from <c>%252F</c>; the raw target can, and each
/// segment is then decoded exactly once.
/// </summary>
internal static class RawPath
{
    /// <summary>The raw (still percent-encoded) path after its first segment, e.g. after <c>/destination/</c>.</summary>
    public static string AfterFirstSegment(HttpContext context)
    {
        var raw = AfterFirstSegmentSpan(context);
        return raw.IsEmpty ? string.Empty : raw.ToString();
    }

    /// <summary>
    /// <see cref="AfterFirstSegment"/> as a slice of the request target, without a string: the lookup parses a plain
    /// address straight from it (one string less per lookup) and makes the string only for other answers.
    /// </summary>
    public static ReadOnlySpan<char> AfterFirstSegmentSpan(HttpContext context)
    {
        ReadOnlySpan<char> raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!raw.StartsWith('/'))
        {
            // Absolute-form target (http://host/path, sent to proxies): keep its raw path, never the
            // already-decoded Request.Path, which would be decoded a second time.
            int scheme = raw.IndexOf("://", StringComparison.Ordinal);
            int pathStart = scheme < 0 ? -1 : raw[(scheme + 3)..].IndexOf('/');
            raw = pathStart < 0 ? "/" : raw[(scheme + 3 + pathStart)..];
        }

        int query = raw.IndexOf('?');
        int end = query >= 0 ? query : raw.Length;
        int second = raw[1..].IndexOf('/');
        return second < 0 || second + 1 >= end ? [] : raw[(second + 2)..end];
    }

    /// <summary>Raw segments after the first (e.g. after <c>/prefix</c>), not yet decoded.</summary>
    public static string[] SegmentsAfterFirst(HttpContext context) => AfterFirstSegment(context).Split('/');

    /// <summary>Decodes raw path text (once); text without escapes is returned as is.</summary>
    public static string Decode(string raw) => raw.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(raw) : raw;
}
