using Crossroads.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting;

/// <summary>
/// Whether the server finished its initial load. Modules call <see cref="MarkStarted"/> once their data is served;
/// until then <c>/health/startup</c> and <c>/health/ready</c> answer 503 so no traffic is routed to an empty server.
/// </summary>
public sealed class StartupState
{
    private readonly ILogger<StartupState> _logger;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the state; the chassis registers one singleton.</summary>
    public StartupState(ILogger<StartupState> logger) => _logger = logger;

    /// <summary>True once <see cref="MarkStarted"/> has been called.</summary>
    public bool IsStarted => _started.Task.IsCompleted;

    /// <summary>Completes when <see cref="MarkStarted"/> is called.</summary>
    public Task Started => _started.Task;

    /// <summary>Records that the initial load finished. Idempotent and thread-safe.</summary>
    public void MarkStarted()
    {
        if (_started.TrySetResult())
        {
            HostingLog.StartupComplete(_logger);
        }
    }
}
