using Crossroads.ServiceRoutes.Caching;

namespace Crossroads.ServiceRoutes.Tests.Caching;

/// <summary>The synchronizer on a real SQLite store: warm-up, catch-up from the feed, and changes made by another store instance.</summary>
public sealed class RouteCacheSynchronizerTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("crossroads-sync-");
    private IServiceRouteStore _writer = null!;
    private IServiceRouteStore _reader = null!;

    public async Task InitializeAsync()
    {
        var options = new ServiceRouteStoreOptions { DataDirectory = _directory.Path };
        _writer = await ServiceRouteStore.OpenAsync(options);
        _reader = await ServiceRouteStore.OpenAsync(options);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _reader.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Warm_up_loads_everything_and_catch_up_applies_what_another_writer_did()
    {
        for (int i = 0; i < 30; i++)
        {
            await _writer.UpsertAsync(new RouteKey("acme", $"s{i}", "prod", "v1"), $"http://s{i}", "ci", null);
        }

        await _writer.PutSplitAsync(new SplitKey("acme", "s0", "prod"), new Dictionary<string, int> { ["v1"] = 100 }, "ci", null);
        var synchronizer = new RouteCacheSynchronizer(_reader, new RouteCache(), TimeSpan.FromMilliseconds(50));
        await synchronizer.WarmAsync(CancellationToken.None);
        Assert.Equal(30, synchronizer.Cache.RouteCount);
        Assert.Equal(31, synchronizer.Revision);
        Assert.NotNull(synchronizer.Cache.FindSplit(new SplitKey("acme", "s0", "prod")));

        await _writer.DeleteSplitAsync(new SplitKey("acme", "s0", "prod"), "ci", null);
        await _writer.DeactivateAsync(new RouteKey("acme", "s3", "prod", "v1"), "ci", null);
        await _writer.UpsertAsync(new RouteKey("acme", "new", "prod", "v1"), "http://new", "ci", null);
        await synchronizer.CatchUpAsync(CancellationToken.None);
        Assert.Equal(34, synchronizer.Revision);
        Assert.Null(synchronizer.Cache.FindSplit(new SplitKey("acme", "s0", "prod")));
        Assert.False(synchronizer.Cache.Find(new RouteKey("acme", "s3", "prod", "v1"))!.IsActive);
        Assert.Equal("http://new", synchronizer.Cache.Find(new RouteKey("acme", "new", "prod", "v1"))!.Url);
    }

    [Fact]
    public async Task The_poll_loop_picks_up_changes_without_a_signal_and_wakes_long_pollers()
    {
        var synchronizer = new RouteCacheSynchronizer(_reader, new RouteCache(), TimeSpan.FromMilliseconds(50));
        await synchronizer.WarmAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var loop = synchronizer.RunAsync(stop.Token);

        var waiting = synchronizer.WaitForRevisionAboveAsync(0, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        await _writer.UpsertAsync(new RouteKey("acme", "late", "prod", "v1"), "http://late", "ci", null);
        Assert.True(await waiting);
        Assert.Equal("http://late", synchronizer.Cache.Find(new RouteKey("acme", "late", "prod", "v1"))!.Url);

        Assert.False(await synchronizer.WaitForRevisionAboveAsync(5, TimeSpan.FromMilliseconds(100), CancellationToken.None));
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task A_local_write_next_in_line_advances_at_once_and_one_after_a_gap_waits_for_the_feed()
    {
        var synchronizer = new RouteCacheSynchronizer(_reader, new RouteCache(), TimeSpan.FromHours(1));
        await synchronizer.WarmAsync(CancellationToken.None);
        var first = await _reader.UpsertAsync(new RouteKey("acme", "mine", "prod", "v1"), "http://mine", "ci", null);
        synchronizer.Cache.Apply(first.Route!);
        synchronizer.AppliedLocally(first.Route!.Revision);
        Assert.Equal(1, synchronizer.Revision);

        // Another writer commits revision 2; this replica's next write is 3: it cannot advance past the gap alone.
        await _writer.UpsertAsync(new RouteKey("acme", "theirs", "prod", "v1"), "http://theirs", "ci", null);
        var third = await _reader.UpsertAsync(new RouteKey("acme", "mine2", "prod", "v1"), "http://mine2", "ci", null);
        synchronizer.Cache.Apply(third.Route!);
        synchronizer.AppliedLocally(third.Route!.Revision);
        Assert.Equal(1, synchronizer.Revision);
        Assert.Null(synchronizer.Cache.Find(new RouteKey("acme", "theirs", "prod", "v1")));

        using var stop = new CancellationTokenSource();
        var loop = synchronizer.RunAsync(stop.Token); // signalled by AppliedLocally: catches up without waiting an hour
        Assert.True(await synchronizer.WaitForRevisionAboveAsync(2, TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.Equal("http://theirs", synchronizer.Cache.Find(new RouteKey("acme", "theirs", "prod", "v1"))!.Url);
        await stop.CancelAsync();
        await loop;
    }
}
