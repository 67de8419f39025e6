using Microsoft.AspNetCore.Http.Features;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// The part of the request path after its first segment, as the client sent it. Kestrel decodes the path
/// except <c>%2F</c>, so route values cannot tell <c>%2F</c> from <c>%252F</c>; the raw target can, and each
/// segment is then decoded exactly once.
/// </summary>
internal static class RawPath
{
    /// <summary>Raw segments after the first (e.g. after <c>/prefix</c>), not yet decoded.</summary>
    public static string[] SegmentsAfterFirst(HttpContext context)
    {
        string raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (!raw.StartsWith('/'))
        {
            // Absolute-form target (http://host/path, sent to proxies): keep its raw path, never the
            // already-decoded Request.Path, which would be decoded a second time below.
            int scheme = raw.IndexOf("://", StringComparison.Ordinal);
            int pathStart = scheme < 0 ? -1 : raw.IndexOf('/', scheme + 3);
            raw = pathStart < 0 ? "/" : raw[pathStart..];
        }

        int query = raw.IndexOf('?', StringComparison.Ordinal);
        string path = query >= 0 ? raw[..query] : raw;
        int second = path.IndexOf('/', 1);
        return second < 0 ? [] : path[(second + 1)..].Split('/');
    }

    /// <summary>Decodes one raw segment (once).</summary>
    public static string Decode(string segment) => Uri.UnescapeDataString(segment);
}
