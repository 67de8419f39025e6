using System.Globalization;
using System.Text;
using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Journal;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// A routes file with <c>10.0.0.0/8</c>, /16s and /24s inside it and IPv6 /48s, each with two next hops (nested,
/// so orlonger updates touch many routes), plus the journal helpers the journal tests share.
/// </summary>
internal static class JournalTestTable
{
    public const string JournalName = "routes.txt.journal";

    public static readonly IpAddress HopA = IpAddress.Parse("192.168.0.1");
    public static readonly IpAddress HopB = IpAddress.Parse("192.168.0.2");
    public static readonly IpAddress HopV6A = IpAddress.Parse("fe80::1");
    public static readonly IpAddress HopV6B = IpAddress.Parse("fe80::2");

    /// <summary>Writes the routes file (<paramref name="v4Prefixes"/> /24s below 10.0.0.0/8) into <paramref name="directory"/>.</summary>
    public static string WriteRoutes(string directory, int v4Prefixes = 64, int v6Prefixes = 16)
    {
        var text = new StringBuilder();
        text.Append("10.0.0.0/8;192.168.0.1\n10.0.0.0/8;192.168.0.2\n");
        for (int i = 0; i < v4Prefixes; i++)
        {
            // 10.<i/256>.<i%256>.0/24, and every 16th one's /16 as well.
            string third = (i % 256).ToString(CultureInfo.InvariantCulture);
            string second = (i / 256).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"10.{second}.{third}.0/24;192.168.0.1\n10.{second}.{third}.0/24;192.168.0.2\n");
            if (i % 256 == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"10.{second}.0.0/16;192.168.0.1\n");
            }
        }

        for (int i = 0; i < v6Prefixes; i++)
        {
            string block = i.ToString("x", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"2001:db8:{block}::/48;fe80::1\n2001:db8:{block}::/48;fe80::2\n");
        }

        string path = Path.Combine(directory, "routes.txt");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>The table the routes file alone gives, with <paramref name="updates"/> applied: the reference state.</summary>
    public static RouteTable Reference(string routesFile, IEnumerable<MetricUpdate> updates, int maxMetric)
    {
        var table = RouteTable.Create(RouteFileLoader.Load(routesFile), maxMetric);
        foreach (var update in updates)
        {
            table.Apply(update);
        }

        return table;
    }

    /// <summary>Every route (prefix, next hop, metric, active) in index order.</summary>
    public static Route[] RoutesOf(RouteTableSnapshot snapshot) =>
        [.. Enumerable.Range(0, snapshot.RouteCount).Select(snapshot.GetRoute)];

    public static MetricUpdate Exact(string prefix, IpAddress nextHop, int metric) =>
        new(IpPrefix.Parse(prefix), nextHop, metric, MatchKind.Exact);

    public static MetricUpdate OrLonger(string prefix, IpAddress nextHop, int metric) =>
        new(IpPrefix.Parse(prefix), nextHop, metric, MatchKind.OrLonger);

    /// <summary>The /24 route <c>10.x.y.0/24</c> number <paramref name="index"/> of <see cref="WriteRoutes"/>.</summary>
    public static string V4Prefix(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"10.{index / 256}.{index % 256}.0/24");

    /// <summary>A journal file holding exactly <paramref name="updates"/>, as the journal itself would write them.</summary>
    public static void WriteJournal(string path, IEnumerable<MetricUpdate> updates)
    {
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write);
        foreach (var update in updates)
        {
            output.Write(JournalRecord.Encode(update));
        }
    }

    public static byte[] Line(MetricUpdate update) => JournalRecord.Encode(update);

    /// <summary>The journal's lines (without their newlines); a trailing incomplete line counts as a line.</summary>
    public static string[] Lines(string path)
    {
        string text = File.ReadAllText(path, Encoding.ASCII);
        if (text.Length == 0)
        {
            return [];
        }

        string[] lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    public static void AssertSameState(RouteTableSnapshot expected, RouteTableSnapshot actual, string because)
    {
        var want = RoutesOf(expected);
        var got = RoutesOf(actual);
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            Assert.True(want[i] == got[i], $"{because}: route {i} expected {want[i]}, got {got[i]}");
        }
    }
}
