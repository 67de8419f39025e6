namespace Crossroads.Testing;

/// <summary>
/// A fact that needs a real PostgreSQL server (<see cref="PostgresServer"/>). Reported as skipped, naming the package
/// to install, where the server programs are missing — except under CI (<c>CI=true</c>), which installs them: there a
/// missing install must fail the run instead of turning the database tests into silent skips.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresBinaries.WhyUnavailable is { } reason && !IsContinuousIntegration)
        {
            Skip = reason;
        }
    }

    private static bool IsContinuousIntegration =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
