using Crossroads.RoutingTable.Loading;
using Crossroads.Server.RoutingTable;
using Microsoft.Extensions.Configuration;

namespace Crossroads.Server.Tests;

/// <summary>The table load the routing-table module starts while the host is being built.</summary>
public sealed class RoutingTablePreloadTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static IConfiguration Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(static v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    [Fact]
    public async Task Loads_the_configured_file_with_the_configured_metric_and_only_for_those_settings()
    {
        string routes = _directory.Write("routes.txt", "10.0.0.0/8;192.168.0.1\n10.1.0.0/16;192.168.0.2\n10.1.0.0/16;192.168.0.3\n");
        var preload = RoutingTablePreload.Start(Section(("RoutesFile", routes), ("MaxMetric", "77")));

        Assert.NotNull(preload);
        var load = preload.For(routes, 77);
        Assert.NotNull(load);
        var loaded = await load;
        Assert.Equal(3, loaded.Table.Current.RouteCount);
        Assert.True(loaded.LoadTime >= loaded.ParseTime);

        Assert.Null(preload.For(routes, 78));
        Assert.Null(preload.For(routes + ".other", 77));
    }

    [Fact]
    public async Task A_bad_routes_file_fails_when_the_loader_awaits_it_with_the_loaders_exception()
    {
        string routes = _directory.Write("bad.txt", "10.0.0.0/8;192.168.0.1\n10.1.0.0/16;banana\n");
        var preload = RoutingTablePreload.Start(Section(("RoutesFile", routes)));

        Assert.NotNull(preload);
        var error = await Assert.ThrowsAsync<RouteFileException>(() => preload.For(routes, Crossroads.RoutingTable.RouteTable.DefaultMaxMetric)!);
        Assert.Contains(":2:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("many")]
    [InlineData("0")]
    public void Settings_the_options_validation_will_refuse_start_nothing(string maxMetric) =>
        Assert.Null(RoutingTablePreload.Start(Section(("RoutesFile", "/nonexistent/routes.txt"), ("MaxMetric", maxMetric))));
}
