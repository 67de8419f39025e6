using Crossroads.ServiceRoutes.Caching;

namespace Crossroads.ServiceRoutes.Tests.Caching;

public sealed class RouteCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly RouteKey Key = new("acme", "billing", "prod", "v1");

    [Fact]
    public void A_newer_revision_replaces_an_older_one_and_never_the_reverse()
    {
        var cache = new RouteCache();
        cache.Apply(new ServiceRoute(Key, "http://a", RouteState.Active, 5, T0, T0));
        cache.Apply(new ServiceRoute(Key, "http://old", RouteState.Active, 3, T0, T0));
        Assert.Equal("http://a", cache.Find(Key)!.Url);
        cache.Apply(new ServiceRoute(Key, "http://b", RouteState.Inactive, 6, T0, T0));
        Assert.Equal("http://b", cache.Find(Key)!.Url);
        Assert.False(cache.Find(Key)!.IsActive);
        Assert.Equal(1, cache.RouteCount);
    }

    [Fact]
    public void A_deleted_split_is_not_resurrected_by_an_older_set()
    {
        var cache = new RouteCache();
        var splitKey = new SplitKey("acme", "billing", "prod");
        var weights = new SplitWeights([new("v1", 100)]);
        cache.Apply(new WeightedSplit(splitKey, weights, 4, T0, T0));
        cache.RemoveSplit(splitKey, 7);
        cache.Apply(new WeightedSplit(splitKey, weights, 4, T0, T0));
        Assert.Null(cache.FindSplit(splitKey));
        cache.Apply(new WeightedSplit(splitKey, weights, 8, T0, T0));
        Assert.NotNull(cache.FindSplit(splitKey));
        Assert.Equal(1, cache.SplitCount);
    }

    [Fact]
    public void Feed_events_carry_the_state_after_the_change()
    {
        var cache = new RouteCache();
        cache.Apply(StoreChangeOf(new RouteAuditEvent(Guid.NewGuid(), 1, Key, AuditActions.Created, "http://a", RouteState.Active, null, null, "ci", null, T0)));
        cache.Apply(StoreChangeOf(new RouteAuditEvent(Guid.NewGuid(), 2, Key, AuditActions.Deactivated, "http://a", RouteState.Inactive, "http://a", RouteState.Active, "ci", null, T0.AddSeconds(1))));
        var route = cache.Find(Key)!;
        Assert.False(route.IsActive);
        Assert.Equal(2, route.Revision);
        Assert.Equal("http://a", route.Url);
    }

    [Fact]
    public void Concurrent_writers_leave_the_highest_revision()
    {
        var cache = new RouteCache();
        Parallel.For(1, 5001, revision => cache.Apply(new ServiceRoute(Key, $"http://r{revision}", RouteState.Active, revision, T0, T0)));
        Assert.Equal(5000, cache.Find(Key)!.Revision);
        Assert.Equal("http://r5000", cache.Find(Key)!.Url);
    }

    [Fact]
    public void Keys_differing_only_in_where_the_names_split_are_different_routes()
    {
        var cache = new RouteCache();
        cache.Apply(new ServiceRoute(new RouteKey("ab", "c", "d", "e"), "http://one", RouteState.Active, 1, T0, T0));
        cache.Apply(new ServiceRoute(new RouteKey("a", "bc", "d", "e"), "http://two", RouteState.Active, 2, T0, T0));
        Assert.Equal("http://one", cache.Find(new RouteKey("ab", "c", "d", "e"))!.Url);
        Assert.Equal("http://two", cache.Find(new RouteKey("a", "bc", "d", "e"))!.Url);
        Assert.Null(cache.Find(new RouteKey("a", "b", "cd", "e")));
        Assert.Null(cache.Find(new RouteKey(new string('x', 300), "b", "c", "d")));
    }

    private static StoreChange StoreChangeOf(RouteAuditEvent e) => new(e.Revision, e, null);
}
