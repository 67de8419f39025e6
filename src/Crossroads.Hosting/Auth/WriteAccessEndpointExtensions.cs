using Microsoft.AspNetCore.Builder;

namespace Crossroads.Hosting;

/// <summary>Declares endpoints as writes: <c>app.MapPost("/routes", ...).RequireWriteAccess()</c>. Everything else is a read.</summary>
public static class WriteAccessEndpointExtensions
{
    /// <summary>Marks the endpoint(s) as writes (API key or loopback, write rate budget).</summary>
    public static TBuilder RequireWriteAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpoint => endpoint.Metadata.Add(WriteAccessMetadata.Instance));
        return builder;
    }
}
