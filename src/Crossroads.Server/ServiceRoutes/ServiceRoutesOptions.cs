using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Crossroads.ServiceRoutes.Events;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// Settings of the service-routes module, section <c>ServiceRoutes</c>. The store is PostgreSQL when
/// <c>ConnectionStrings:Crossroads</c> is set, else SQLite in <see cref="DataDirectory"/> (alias <c>DATA_DIR</c>).
/// </summary>
public sealed class ServiceRoutesOptions
{
    /// <summary>Directory of the embedded SQLite store when no PostgreSQL connection string is set.</summary>
    [Description("Directory of the embedded SQLite store (crossroads.db) used when ConnectionStrings:Crossroads is not set.")]
    [Required]
    public string DataDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>How often a replica checks the store's revision when no notification came (the safety net of invalidation).</summary>
    [Description("How often the store's revision is checked when no change notification arrived (safety net of cache invalidation).")]
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most writes committed in one transaction (group commit).</summary>
    [Description("Most writes committed together in one transaction (group commit); 1 commits each on its own.")]
    [Range(1, 1000)]
    public int MaxWriteBatch { get; set; } = 64;

    /// <summary>SQLite: how long a write waits for another process's write lock.</summary>
    [Description("SQLite: how long a write waits for another connection's write lock.")]
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest <c>wait</c> a change-feed long poll may ask for.</summary>
    [Description("Longest 'wait' (seconds) a GET /api/v1/events long poll may ask for.")]
    [Range(0, 3600)]
    public int MaxFeedWaitSeconds { get; set; } = 60;

    /// <summary>How long writes are refused (503) after the database breaker opens.</summary>
    [Description("How long writes answer 503 without trying the database once the breaker opened (also the Retry-After).")]
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Share of failed database calls (infrastructure failures only) over 10 s that opens the breaker.</summary>
    [Description("Share (0.01-1) of database calls failing with infrastructure errors over 10 s that opens the breaker; 4xx outcomes never count.")]
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Where change events go (RabbitMQ, webhooks) besides the change feed, which always works.</summary>
    [Description("Change event delivery (transactional outbox relay): RabbitMq:Uri, RabbitMq:Exchange, Webhooks:N:Url/Secret, ...")]
    public ServiceRouteEventsOptions Events { get; set; } = new();
}
