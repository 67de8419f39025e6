using System.Reflection;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Startup;

/// <summary>Recognises the failures an operator can fix (bad settings, a module that cannot start) and phrases them as one line.</summary>
internal static class StartupErrors
{
    public static bool TryDescribe(Exception exception, out string line, out int exitCode)
    {
        exception = Unwrap(exception);
        (line, exitCode) = exception switch
        {
            OptionsValidationException validation => ("invalid configuration: " + string.Join("; ", validation.Failures), CrossroadsHost.InvalidConfigurationExitCode),
            InvalidOperationException binding when IsBinderError(binding) => ("invalid configuration: " + WithInner(binding), CrossroadsHost.InvalidConfigurationExitCode),
            InvalidDataException file => ("invalid configuration: " + WithInner(file), CrossroadsHost.InvalidConfigurationExitCode),
            FormatException format => ("invalid configuration: " + format.Message, CrossroadsHost.InvalidConfigurationExitCode),
            StartupFailedException failed => ("startup failed: " + failed.Message, CrossroadsHost.StartupFailedExitCode),
            IOException io when io.Message.StartsWith("Failed to bind", StringComparison.Ordinal) => ("startup failed: " + io.Message, CrossroadsHost.StartupFailedExitCode),
            _ => ("", 0),
        };
        line = "crossroads: " + line.ReplaceLineEndings(" ").Trim();
        return exitCode != 0;
    }

    /// <summary>The configuration binder's messages name the key ("Failed to convert configuration value at 'A:B'...").</summary>
    private static bool IsBinderError(InvalidOperationException exception) =>
        exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
        || exception.Message.Contains("ErrorOnUnknownConfiguration", StringComparison.Ordinal)
        || exception.Message.StartsWith("Failed to create instance of type", StringComparison.Ordinal);

    private static string WithInner(Exception exception) =>
        exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message;

    private static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    break;
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    break;
                default:
                    return exception;
            }
        }
    }
}
