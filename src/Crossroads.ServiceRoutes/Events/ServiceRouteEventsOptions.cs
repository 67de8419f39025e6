using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>
/// Where and how the <see cref="OutboxRelay"/> publishes the store's outbox (configuration section
/// <see cref="SectionName"/>). With neither RabbitMQ nor a webhook configured there is nothing to publish to and the
/// server runs no relay.
/// </summary>
public sealed class ServiceRouteEventsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "ServiceRoutes:Events";

    /// <summary>The RabbitMQ target; disabled while its <see cref="RabbitMqEventsOptions.Uri"/> is empty.</summary>
    [Description("The RabbitMQ exchange the route and split change events are published to (disabled without a URI).")]
    public RabbitMqEventsOptions RabbitMq { get; set; } = new();

    /// <summary>Endpoints that receive every event as a signed HTTP POST.</summary>
    [Description("HTTP endpoints that receive every event as a signed POST (X-Crossroads-Signature: sha256=<hex HMAC of the body>).")]
    public IList<WebhookTarget> Webhooks { get; } = [];

    /// <summary>How often the relay looks for undelivered messages when nobody woke it (the server wakes it after each write).</summary>
    [Description("How often the relay polls the outbox when not woken by a write (other replicas' writes are found this way).")]
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most messages claimed and delivered at once.</summary>
    [Description("The most outbox messages claimed and delivered in one batch.")]
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How long a claimed batch is reserved for this relay: a relay that dies mid-batch leaves its messages to be
    /// claimed again after this long (a new leader releases them at once; see the README).
    /// </summary>
    [Description("How long a claimed batch is reserved before another claim may take it again.")]
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait after a failed delivery; it doubles per consecutive failure up to <see cref="MaxRetryDelay"/>.</summary>
    [Description("The wait after a first failed delivery; doubles per consecutive failure.")]
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between delivery attempts.</summary>
    [Description("The longest wait between two delivery attempts.")]
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a replica that is not the relay leader (PostgreSQL) tries to become it.</summary>
    [Description("How often a replica that is not the relay leader tries to take over (PostgreSQL only).")]
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LeaderRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long delivered outbox rows are kept (the audit tables keep the history); older ones are deleted by the
    /// leader about once a minute. Zero or less keeps them forever.
    /// </summary>
    [Description("How long delivered outbox rows are kept before the relay deletes them (0 keeps them).")]
    public TimeSpan RetainDelivered { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether any target is configured (otherwise a relay has nothing to do).</summary>
    public bool HasTargets => RabbitMq.IsEnabled || Webhooks.Count > 0;
}
