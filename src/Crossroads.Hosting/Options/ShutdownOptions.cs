using System.ComponentModel;

namespace Crossroads.Hosting;

/// <summary>Graceful shutdown timing, bound from the <c>Shutdown</c> section.</summary>
public sealed class ShutdownOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Shutdown";

    /// <summary>Seconds to keep serving after SIGTERM with readiness already failing, so load balancers stop sending traffic.</summary>
    [Description("Seconds to keep serving after SIGTERM while readiness fails.")]
    public double DrainDelaySeconds { get; set; } = 5;

    /// <summary>Seconds in-flight requests get to finish once the server stops accepting connections.</summary>
    [Description("Seconds in-flight requests get to finish after listeners close.")]
    public double TimeoutSeconds { get; set; } = 30;
}
