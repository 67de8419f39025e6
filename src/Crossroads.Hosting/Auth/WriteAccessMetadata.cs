namespace Crossroads.Hosting;

/// <summary>Endpoint metadata marking a write: needs an API key when keys are configured, loopback otherwise, and uses the write budget.</summary>
public sealed class WriteAccessMetadata
{
    /// <summary>The shared instance.</summary>
    public static readonly WriteAccessMetadata Instance = new();

    private WriteAccessMetadata()
    {
    }
}
