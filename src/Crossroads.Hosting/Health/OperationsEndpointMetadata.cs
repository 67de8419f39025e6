namespace Crossroads.Hosting;

/// <summary>
/// Marks probes and <c>/metrics</c>: never authenticated, never rate limited, so orchestrators and scrapers keep working
/// while clients are throttled or keys rotate.
/// </summary>
public sealed class OperationsEndpointMetadata
{
    /// <summary>The shared instance.</summary>
    public static readonly OperationsEndpointMetadata Instance = new();

    private OperationsEndpointMetadata()
    {
    }
}
