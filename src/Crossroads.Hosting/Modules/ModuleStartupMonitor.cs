using Crossroads.Hosting.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Modules;

/// <summary>
/// Watches the modules' starts: marks modules without a background load ready once the host runs, logs when every
/// module is ready, and stops the host when a module's initial load fails (<see cref="CrossroadsHost"/> then exits 3
/// with one line naming the module and the cause).
/// </summary>
internal sealed class ModuleStartupMonitor(ModuleSet modules, IHostApplicationLifetime lifetime, ILogger<ModuleStartupMonitor> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        for (int i = 0; i < modules.Modules.Count; i++)
        {
            var status = modules.Statuses[i];
            if (!modules.Modules[i].LoadsInBackground)
            {
                lifetime.ApplicationStarted.Register(static s => ((ModuleStatus)s!).MarkReady(), status);
            }

            _ = status.Settled.ContinueWith(t => OnSettled(status, t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }

        if (modules.Modules.Count == 0)
        {
            HostingLog.StartupComplete(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnSettled(ModuleStatus status, ModuleState state)
    {
        if (state == ModuleState.Failed)
        {
            HostingLog.ModuleFailed(logger, status.Identity.Name, status.Detail ?? string.Empty);

            // Stopping while the host is still starting cancels Kestrel's bind and surfaces as an unrelated
            // exception; stop once started (runs at once if it already has).
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
            return;
        }

        HostingLog.ModuleReady(logger, status.Identity.Name, status.Detail ?? "ready");
        if (modules.AllReady)
        {
            HostingLog.StartupComplete(logger);
        }
    }
}
