namespace Crossroads.Hosting;

/// <summary>
/// Thrown by a module that cannot start (e.g. its data file is missing). <see cref="CrossroadsHost.RunAsync"/> prints
/// only <see cref="Exception.Message"/> as one line on stderr and exits with <see cref="CrossroadsHost.StartupFailedExitCode"/>;
/// so write the message for an operator: name the setting or file and the problem.
/// </summary>
public sealed class StartupFailedException : Exception
{
    /// <summary>Creates the exception with a one-line, operator-facing message.</summary>
    public StartupFailedException(string oneLineMessage)
        : base(oneLineMessage)
    {
    }

    /// <summary>Creates the exception with a one-line message and the underlying cause (kept for debugging, not printed).</summary>
    public StartupFailedException(string oneLineMessage, Exception innerException)
        : base(oneLineMessage, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public StartupFailedException()
        : base("startup failed")
    {
    }
}
