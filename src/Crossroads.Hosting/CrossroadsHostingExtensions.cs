using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Crossroads.Hosting;

/// <summary>Composes the production chassis (health, metrics, logs, auth, limits, shutdown) into a web application.</summary>
public static class CrossroadsHostingExtensions
{
    /// <summary>Registers the chassis services and binds and validates their options.</summary>
    public static WebApplicationBuilder AddCrossroadsHosting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    /// <summary>Adds the chassis middleware in the order it must run.</summary>
    public static WebApplication UseCrossroadsHosting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }

    /// <summary>Maps probes and the metrics endpoint.</summary>
    public static IEndpointRouteBuilder MapCrossroadsOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints;
    }
}
