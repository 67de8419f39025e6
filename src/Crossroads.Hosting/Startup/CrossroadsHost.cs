using Crossroads.Hosting.Startup;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting;

/// <summary>
/// The process entry the server's <c>Program</c> calls: handles <c>--help</c>, builds, validates every option before
/// the host starts, runs until SIGTERM, and turns operator-fixable failures into one stderr line and an exit code.
/// </summary>
public static class CrossroadsHost
{
    /// <summary>Exit code for an invalid setting (validation, type conversion, unreadable configuration file).</summary>
    public const int InvalidConfigurationExitCode = 2;

    /// <summary>Exit code for <see cref="StartupFailedException"/> or a listener that cannot bind.</summary>
    public const int StartupFailedExitCode = 3;

    /// <summary>
    /// Runs the server. <paramref name="build"/> creates the application (it calls <c>AddCrossroadsHosting</c>,
    /// <c>UseCrossroadsHosting</c> and <c>MapCrossroadsOperations</c>); <paramref name="moduleSettings"/> are listed
    /// by <c>--help</c> after the chassis settings. Returns the process exit code: 0 after a clean shutdown.
    /// </summary>
    public static Task<int> RunAsync(string[] args, Func<string[], WebApplication> build, IEnumerable<SettingHelp>? moduleSettings = null) =>
        RunCoreAsync(args, build, moduleSettings, Console.Out, Console.Error);

    internal static async Task<int> RunCoreAsync(string[] args, Func<string[], WebApplication> build, IEnumerable<SettingHelp>? moduleSettings, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(build);
        if (args.Any(static a => a is "--help" or "-h" or "-?"))
        {
            await stdout.WriteAsync(HelpText.Render([.. ChassisSettings.All, .. moduleSettings ?? []])).ConfigureAwait(false);
            return 0;
        }

        WebApplication? app = null;
        try
        {
            app = build(args);

            // ValidateOnStart would run inside StartAsync, where the host logs the failure with a stack trace first;
            // validating here keeps the failure to our one line.
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception exception) when (StartupErrors.TryDescribe(exception, out var line, out var exitCode))
        {
            await stderr.WriteLineAsync(line).ConfigureAwait(false);
            await stderr.FlushAsync().ConfigureAwait(false);
            return exitCode;
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
