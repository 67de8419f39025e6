using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable.Tests.Loading;

/// <summary>The builder's next hop -> id table: every next hop keeps its id through growth, and families never mix.</summary>
public sealed class NextHopIdsTests
{
    [Fact]
    public void Ids_survive_growth_and_unknown_next_hops_are_not_found()
    {
        var ids = new NextHopIds();
        var hops = Enumerable.Range(0, 1000).Select(static i => IpAddress.V4((uint)(i * 7919))).ToArray();
        for (int i = 0; i < hops.Length; i++)
        {
            Assert.Equal(-1, ids.Find(hops[i]));
            ids.Add(hops[i], i);
        }

        for (int i = 0; i < hops.Length; i++)
        {
            Assert.Equal(i, ids.Find(hops[i]));
        }

        Assert.Equal(-1, ids.Find(IpAddress.V4(1)));
    }

    [Fact]
    public void An_IPv4_address_and_the_IPv6_address_of_the_same_value_are_different_next_hops()
    {
        var ids = new NextHopIds();
        var v4 = IpAddress.Parse("192.0.2.1");
        var v6 = IpAddress.V6(v4.Value); // ::c000:201
        ids.Add(v4, 0);
        Assert.Equal(-1, ids.Find(v6));
        ids.Add(v6, 1);
        Assert.Equal(0, ids.Find(v4));
        Assert.Equal(1, ids.Find(v6));
    }

    [Fact]
    public void Addresses_differing_only_in_the_high_half_are_different_next_hops()
    {
        var ids = new NextHopIds();
        var low = IpAddress.Parse("2001:db8::1");
        var other = IpAddress.Parse("2001:db9::1");
        ids.Add(low, 0);
        Assert.Equal(-1, ids.Find(other));
        ids.Add(other, 1);
        Assert.Equal(0, ids.Find(low));
        Assert.Equal(1, ids.Find(other));
    }
}
