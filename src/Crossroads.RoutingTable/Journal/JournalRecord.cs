using System.Globalization;
using System.Text;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable.Journal;

/// <summary>
/// One journal line: <c>v1 TAB crc32 TAB match TAB prefix TAB next-hop TAB metric LF</c>. The CRC covers the
/// fields after it, so a torn or damaged line is recognised instead of being replayed as something else.
/// </summary>
internal static class JournalRecord
{
    private const string Version = "v1";

    public static byte[] Encode(MetricUpdate update)
    {
        string payload = string.Join(
            '\t',
            update.Match == MatchKind.Exact ? "exact" : "orlonger",
            update.Prefix.ToString(),
            update.NextHop.ToString(),
            update.Metric.ToString(CultureInfo.InvariantCulture));
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(Encoding.ASCII.GetBytes(payload));
        return Encoding.ASCII.GetBytes($"{Version}\t{crc:x8}\t{payload}\n");
    }

    /// <summary>Decodes a line without its newline; null when it is damaged.</summary>
    public static MetricUpdate? TryDecode(string line)
    {
        string[] fields = line.Split('\t');
        if (fields.Length != 6 || fields[0] != Version
            || !uint.TryParse(fields[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint crc))
        {
            return null;
        }

        string payload = string.Join('\t', fields, 2, 4);
        if (System.IO.Hashing.Crc32.HashToUInt32(Encoding.ASCII.GetBytes(payload)) != crc)
        {
            return null;
        }

        MatchKind? match = fields[2] switch
        {
            "exact" => MatchKind.Exact,
            "orlonger" => MatchKind.OrLonger,
            _ => null,
        };
        if (match is null
            || !IpPrefix.TryParse(fields[3], out var prefix, out _)
            || !IpAddress.TryParse(fields[4], out var nextHop)
            || !int.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out int metric))
        {
            return null;
        }

        return new MetricUpdate(prefix, nextHop, metric, match.Value);
    }
}
