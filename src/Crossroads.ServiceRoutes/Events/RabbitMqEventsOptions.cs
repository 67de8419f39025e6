using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>The RabbitMQ target of the event relay (<see cref="ServiceRouteEventsOptions.RabbitMq"/>).</summary>
public sealed class RabbitMqEventsOptions
{
    /// <summary>The default <see cref="Exchange"/>.</summary>
    public const string DefaultExchange = "crossroads.service-routes";

    /// <summary>The broker, e.g. <c>amqp://guest:guest@localhost:5672/</c> (vhost after the slash); empty disables RabbitMQ.</summary>
    [Description("The broker URI, e.g. amqp://user:password@rabbitmq:5672/ (empty: do not publish to RabbitMQ).")]
    public string? Uri { get; set; }

    /// <summary>
    /// The durable topic exchange events are published to (declared by the relay). Routing keys:
    /// <c>route.&lt;action&gt;</c> (<c>route.created</c>, <c>route.updated</c>, …) and <c>split.set</c> / <c>split.deleted</c>.
    /// </summary>
    [Description("The durable topic exchange (declared on connect); routing keys route.<action>, split.set, split.deleted.")]
    [Required]
    [StringLength(255, MinimumLength = 1)]
    public string Exchange { get; set; } = DefaultExchange;

    /// <summary>
    /// Publish with AMQP's <c>mandatory</c> flag: an event that no queue takes (no binding matches its routing key) is
    /// returned by the broker and counts as a failed delivery, retried with the relay's backoff, instead of being
    /// confirmed and dropped. Turn it on when a queue bound with <c>#</c> must receive every event: it also covers a
    /// restarted broker that accepts publishes before its bindings are back. Off, a consumer that binds only some keys
    /// (or none yet) does not hold up the others.
    /// </summary>
    [Description("Publish with the mandatory flag: an event no queue takes is a failed delivery and retried, not dropped (needs a queue bound with '#').")]
    public bool Mandatory { get; set; }

    /// <summary>Whether RabbitMQ is configured.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(Uri);
}
