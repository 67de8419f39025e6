namespace Crossroads.Server.ApiDocs;

/// <summary>Attaches an <see cref="ApiDoc"/> to an endpoint.</summary>
public static class ApiDocEndpointExtensions
{
    /// <summary>Describes the endpoint's parameters, body and answers for the OpenAPI document.</summary>
    public static TBuilder Documented<TBuilder>(this TBuilder builder, ApiDoc doc)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(doc);
        return builder.WithMetadata(doc);
    }
}
