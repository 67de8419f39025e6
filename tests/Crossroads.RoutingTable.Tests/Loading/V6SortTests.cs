namespace Crossroads.RoutingTable.Tests.Loading;

/// <summary>The load's own IPv6 route sort orders exactly as <see cref="RouteListBuilder.V6Route.CompareTo"/> does.</summary>
public sealed class V6SortTests
{
    public static TheoryData<string, int> Shapes => new()
    {
        { "random", 0 }, { "random", 1 }, { "random", 2 }, { "random", 17 }, { "random", 1000 }, { "random", 50_000 },
        { "few distinct", 10_000 }, { "all equal", 5_000 }, { "sorted", 10_000 }, { "reversed", 10_000 },
        { "organ pipe", 10_000 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sorts_like_the_reference_comparison(string shape, int count)
    {
        var random = new Random(20261202 + count); // fixed seed
        var items = new RouteListBuilder.V6Route[count];
        for (int i = 0; i < count; i++)
        {
            items[i] = shape switch
            {
                "few distinct" => Route((ulong)random.Next(4), random.Next(3), random.Next(2)),
                "all equal" => Route(7, 48, 1),
                "sorted" or "reversed" or "organ pipe" => Route((ulong)(i / 3), i % 3, 0),
                _ => Route((ulong)random.NextInt64(), random.Next(129), random.Next(16)),
            };
        }

        if (shape == "reversed")
        {
            Array.Reverse(items);
        }
        else if (shape == "organ pipe")
        {
            Array.Reverse(items, count / 2, count - (count / 2));
        }

        var expected = (RouteListBuilder.V6Route[])items.Clone();
        Array.Sort(expected);
        RouteSet.SortV6(items);
        Assert.Equal(expected, items);
    }

    private static RouteListBuilder.V6Route Route(ulong high, int length, int nextHop) =>
        new(new UInt128(high, (ulong)length * 31), (byte)length, nextHop);
}
