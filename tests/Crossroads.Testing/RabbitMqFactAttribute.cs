namespace Crossroads.Testing;

/// <summary>
/// A fact that needs a real RabbitMQ broker (<see cref="RabbitMqServer"/>). Reported as skipped, naming the package to
/// install, where the broker is missing — except under CI (<c>CI=true</c>), which installs it: there a missing install
/// must fail the run instead of turning the messaging tests into silent skips.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RabbitMqFactAttribute : FactAttribute
{
    public RabbitMqFactAttribute()
    {
        if (RabbitMqBinaries.WhyUnavailable is { } reason && !IsContinuousIntegration)
        {
            Skip = reason;
        }
    }

    private static bool IsContinuousIntegration =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
