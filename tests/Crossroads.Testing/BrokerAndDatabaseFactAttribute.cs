namespace Crossroads.Testing;

/// <summary>A fact that needs both RabbitMQ and PostgreSQL: skipped (outside CI) when either is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrokerAndDatabaseFactAttribute : FactAttribute
{
    public BrokerAndDatabaseFactAttribute()
    {
        string? reason = RabbitMqBinaries.WhyUnavailable ?? PostgresBinaries.WhyUnavailable;
        if (reason is not null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = reason;
        }
    }
}
