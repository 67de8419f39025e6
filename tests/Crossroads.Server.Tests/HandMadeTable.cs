namespace Crossroads.Server.Tests;

/// <summary>
/// The small table the compatibility tests reason about. Every route starts at metric MAX_METRIC, so until an update
/// the winner of a prefix is its numerically lowest next hop.
/// </summary>
internal static class HandMadeTable
{
    public const string Routes = """
        # prefix;next_hop, comments and blank lines are skipped

        10.0.0.0/8;192.168.10.1
        10.0.0.0/8;192.168.9.1
        10.1.0.0/16;192.168.1.1
        10.1.0.0/16;192.168.2.1
        10.1.0.0/16;172.16.0.1
        10.1.2.0/24;192.168.3.1
        10.1.2.0/24;172.16.0.1
        10.2.0.0/16;172.16.0.1
        1.0.167.0/24;192.168.2.1
        2001:db8::/32;fe80::10
        2001:db8::/32;fe80::9
        2001:db8:1::/48;fe80::1
        2001:db8:1:2::/64;fe80::1

        """;

    public const int RouteCount = 13;
}
