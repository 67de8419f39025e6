namespace Crossroads.Server.RoutingTable;

/// <summary>
/// Splits <c>{prefix}/nh/{nh}/metric/{metric}[/match/{match}]</c>. The prefix may arrive URL-encoded
/// (<c>10.0.0.0%2F8</c>) or with a raw slash (<c>10.0.0.0/8</c>), so the path is read from the right.
/// </summary>
internal readonly record struct UpdatePath(string Prefix, string NextHop, string Metric, string Match)
{
    /// <summary>Parses raw (still percent-encoded) segments; each is decoded once.</summary>
    public static bool TryParse(string[] segments, out UpdatePath parsed)
    {
        parsed = default;
        int end = segments.Length;
        string match = "orlonger";
        if (end >= 2 && segments[end - 2] == "match")
        {
            match = Unescape(segments[end - 1]);
            end -= 2;
        }

        if (end < 5 || segments[end - 2] != "metric" || segments[end - 4] != "nh")
        {
            return false;
        }

        string prefix = string.Join('/', segments[..(end - 4)].Select(Unescape));
        parsed = new UpdatePath(prefix, Unescape(segments[end - 3]), Unescape(segments[end - 1]), match);
        return true;
    }

    private static string Unescape(string segment) => RawPath.Decode(segment);
}
