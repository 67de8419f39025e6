using Crossroads.ServiceRoutes.Events;

namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>A relay running in the background for a test; disposing stops it and disposes it (its sinks and leadership).</summary>
internal sealed class RunningRelay : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private bool _disposed;

    public RunningRelay(OutboxRelay relay)
    {
        Relay = relay;
        _run = Task.Run(() => relay.RunAsync(_stop.Token));
    }

    public OutboxRelay Relay { get; }

    /// <summary>Test options: short polls, retries and leadership attempts, so failures and takeovers show within seconds.</summary>
    public static ServiceRouteEventsOptions FastOptions() => new()
    {
        PollInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromMilliseconds(800),
        LeaderRetryInterval = TimeSpan.FromMilliseconds(200),
        BatchSize = 7, // small, so the tests cross batch boundaries
    };

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        await _run; // RunAsync returns normally on cancellation; anything else is a test failure
        await Relay.DisposeAsync();
        _stop.Dispose();
    }
}
