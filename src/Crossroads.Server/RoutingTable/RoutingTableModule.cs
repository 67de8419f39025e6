
namespace Crossroads.Server.RoutingTable;

/// <summary>Registers the routing-table module.</summary>
public static class RoutingTableModule
{
    /// <summary>Adds settings, the background loader, metrics, JSON contracts and the readiness check.</summary>
    public static WebApplicationBuilder AddRoutingTable(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = RoutingTableSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<RoutingTableState>();
        builder.Services.AddSingleton<RoutingTableMetrics>();
        builder.Services.AddHostedService<RoutingTableLoader>();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, RoutingTableJsonContext.Default));
        builder.Services.AddHealthChecks().AddCheck<RoutingTableHealthCheck>("routing_table", tags: ["ready"]);
        return builder;
    }
}
