using Crossroads.Hosting.Configuration;
using Crossroads.Hosting.Startup;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting;

/// <summary>
/// The process entry the server's <c>Program</c> calls: composes the chassis and the modules, handles <c>--help</c>,
/// validates every option before the host starts, runs until SIGTERM, and turns operator-fixable failures into one
/// stderr line and an exit code (2: invalid setting; 3: a module or listener could not start).
/// </summary>
public static class CrossroadsHost
{
    /// <summary>Exit code for an invalid setting (validation, type conversion, unreadable configuration file).</summary>
    public const int InvalidConfigurationExitCode = 2;

    /// <summary>Exit code for a module whose initial load failed, <see cref="StartupFailedException"/>, or a listener that cannot bind.</summary>
    public const int StartupFailedExitCode = 3;

    /// <summary>
    /// Builds the application: chassis services, then each enabled module's services, <paramref name="configureBuilder"/>;
    /// then the chassis middleware and operations endpoints, <paramref name="configureApp"/> (e.g. API docs), and each
    /// module's endpoints on its route group.
    /// </summary>
    public static WebApplication Build(
        string[] args,
        IReadOnlyList<CrossroadsModule> modules,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<WebApplication>? configureApp = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCrossroadsHosting(modules);
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        app.UseCrossroadsHosting();
        app.MapCrossroadsOperations();
        configureApp?.Invoke(app);
        app.MapCrossroadsModules();
        return app;
    }

    /// <summary>Runs the server built by <see cref="Build"/>; returns the process exit code (0 after a clean shutdown).</summary>
    public static Task<int> RunAsync(
        string[] args,
        IReadOnlyList<CrossroadsModule> modules,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<WebApplication>? configureApp = null) =>
        RunCoreAsync(args, modules, a => Build(a, modules, configureBuilder, configureApp), Console.Out, Console.Error);

    /// <summary>Every setting of the chassis and of <paramref name="modules"/>, generated from their options types, with defaults.</summary>
    public static IReadOnlyList<SettingHelp> Settings(IReadOnlyList<CrossroadsModule> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);

        // Registration only: nothing is built or started, and an empty configuration enables every module.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.AddCrossroadsHosting(modules);
        var catalog = (OptionsCatalog)builder.Services.First(static d => d.ServiceType == typeof(OptionsCatalog)).ImplementationInstance!;
        return [.. catalog.Entries.SelectMany(OptionsHelp.Describe), .. ChassisSettings.External(modules)];
    }

    internal static async Task<int> RunCoreAsync(string[] args, IReadOnlyList<CrossroadsModule> modules, Func<string[], WebApplication> build, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(build);
        if (args.Any(static a => a is "--help" or "-h" or "-?"))
        {
            await stdout.WriteAsync(HelpText.Render(Settings(modules))).ConfigureAwait(false);
            return 0;
        }

        WebApplication? app = null;
        try
        {
            app = build(args);

            // ValidateOnStart would run inside StartAsync, where the host logs the failure with a stack trace first;
            // validating here keeps the failure to our one line.
            app.Services.GetService<IStartupValidator>()?.Validate();
            var modulesRun = app.Services.GetService<ModuleSet>(); // resolved now: RunAsync disposes the services
            await app.RunAsync().ConfigureAwait(false);

            // A module's load runs after the server starts; its failure stops the host, which must not look like success.
            if (modulesRun?.FirstFailure is { } failed)
            {
                await stderr.WriteLineAsync($"crossroads: startup failed: module {failed.Identity.Name}: {failed.Detail}").ConfigureAwait(false);
                await stderr.FlushAsync().ConfigureAwait(false);
                return StartupFailedExitCode;
            }

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
