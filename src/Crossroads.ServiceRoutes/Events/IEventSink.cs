namespace Crossroads.ServiceRoutes.Events;

/// <summary>A destination of outbox messages (RabbitMQ, a webhook): the <see cref="OutboxRelay"/> hands it each batch.</summary>
public interface IEventSink : IAsyncDisposable
{
    /// <summary>A short name for logs and metrics, e.g. <c>rabbitmq</c> or <c>webhook https://…</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Delivers <paramref name="messages"/> one after the other in the given (revision) order and returns once every
    /// one is confirmed; throws on the first failure (the relay then retries the whole batch, so a receiver may see a
    /// message again: delivery is at least once).
    /// </summary>
    Task DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);
}
