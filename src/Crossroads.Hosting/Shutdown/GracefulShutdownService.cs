using Crossroads.Hosting.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Shutdown;

/// <summary>
/// Delays the server's stop so load balancers notice failing readiness before listeners close. The host calls every
/// <see cref="IHostedLifecycleService.StoppingAsync"/> before any <see cref="IHostedService.StopAsync"/>, and Kestrel
/// stops in its <c>StopAsync</c>; so during the delay the server still accepts and serves connections. Readiness
/// already fails from <see cref="IHostApplicationLifetime.ApplicationStopping"/>, which SIGTERM triggers first.
/// </summary>
internal sealed class GracefulShutdownService(
    DrainState drain,
    IHostApplicationLifetime lifetime,
    IOptions<ShutdownOptions> options,
    ILogger<GracefulShutdownService> logger) : IHostedLifecycleService
{
    private CancellationTokenRegistration _registration;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(static state => ((DrainState)state!).BeginDrain(), drain);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        drain.BeginDrain();
        var delay = TimeSpan.FromSeconds(options.Value.DrainDelaySeconds);
        HostingLog.DrainStarted(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out during the delay: stop now rather than fail the shutdown.
        }

        HostingLog.DrainFinished(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _registration.Dispose();
        return Task.CompletedTask;
    }
}
