using Microsoft.AspNetCore.Http.Metadata;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// The result of a batch lookup whose answer <see cref="BatchLookup"/> has already written (status, headers, body):
/// executing it does nothing. It exists so the endpoint still describes its 200 answer as <see cref="BatchResponse"/>
/// to OpenAPI, as <c>Ok&lt;BatchResponse&gt;</c> did.
/// </summary>
public sealed class BatchAnswerWritten : IResult, IEndpointMetadataProvider
{
    private BatchAnswerWritten()
    {
    }

    /// <summary>The one instance.</summary>
    public static BatchAnswerWritten Instance { get; } = new();

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext httpContext) => Task.CompletedTask;

    /// <inheritdoc/>
    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(BatchResponse), ["application/json"]));
    }
}
