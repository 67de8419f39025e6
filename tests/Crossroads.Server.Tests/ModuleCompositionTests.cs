using System.Reflection;
using Crossroads.Hosting;
using Crossroads.Server.RoutingTable;
using Crossroads.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Server.Tests;

/// <summary>The real server's composition: every module from the catalog, no route claimed twice, event ids in range.</summary>
public sealed class ModuleCompositionTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task No_two_endpoints_of_the_server_claim_the_same_method_and_route()
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        var endpoints = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        Assert.Contains(endpoints.OfType<RouteEndpoint>(), static e => e.Metadata.GetMetadata<ModuleEndpointMetadata>()?.Identity == ModuleCatalog.RoutingTable);
        Assert.Empty(RouteCollisions.Find(endpoints));
    }

    [Fact]
    public void Every_composed_module_comes_from_the_catalog_and_appears_once()
    {
        Assert.All(CrossroadsApp.Modules, static m => Assert.Contains(m.Identity, ModuleCatalog.All));
        Assert.Equal(CrossroadsApp.Modules.Count, CrossroadsApp.Modules.Select(static m => m.Identity.Name).Distinct().Count());
    }

    [Fact]
    public void Routing_table_log_messages_use_event_ids_in_the_routing_table_range()
    {
        var ids = typeof(RoutingTableModule).Assembly.GetTypes()
            .Where(static t => t.Namespace == typeof(RoutingTableModule).Namespace)
            .SelectMany(static t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(static m => (Method: m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(static x => x.Attribute is not null)
            .ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(ModuleCatalog.RoutingTable.EventIds.Contains(id.Attribute!.EventId), $"{id.Method}: {id.Attribute!.EventId}"));
    }

    [Fact]
    public async Task Switching_the_routing_table_off_leaves_its_endpoints_and_check_out()
    {
        await using var server = await Infrastructure.RoutingServer.StartUnreadyAsync(
            _directory.Write("routes.txt", HandMadeTable.Routes), _directory.Subdirectory("data"), "--Modules:RoutingTable:Enabled=false");
        await RoutingServer.WaitUntilReadyAsync(server.Client);
        using var lookup = await server.Client.GetAsync("/destination/10.1.2.3");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, lookup.StatusCode);
        Assert.Null(server.App.Services.GetService<RoutingTableState>());
    }
}
