using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>
/// Publishes outbox messages to a durable topic exchange, persistent, with publisher confirms: a batch counts as
/// delivered only when the broker has acknowledged every message (for a persistent message routed to durable queues,
/// after writing it to disk). One connection and one channel, opened on first use; after any failure both are dropped
/// and reopened by the next delivery (the client's own automatic recovery is off: it would republish nothing and
/// hide the failure from the relay, which has to retry the batch anyway).
/// </summary>
/// <remarks>
/// Messages carry <c>MessageId</c> = the event id, <c>Type</c> = the event type, <c>ContentType</c>
/// <c>application/json</c> and the revision in the <c>x-revision</c> header. An exchange without bound queues drops
/// messages (AMQP's rule); consumers bind their queues before relying on the feed, and catch up with the store's
/// change feed otherwise, unless <see cref="RabbitMqEventsOptions.Mandatory"/> makes an unroutable message a failed
/// delivery.
/// </remarks>
public sealed class RabbitMqEventSink : IEventSink
{
    private readonly ConnectionFactory _factory;
    private readonly string _exchange;
    private readonly bool _mandatory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    /// <summary>Publishes to <see cref="RabbitMqEventsOptions.Exchange"/> at <see cref="RabbitMqEventsOptions.Uri"/>.</summary>
    public RabbitMqEventSink(RabbitMqEventsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsEnabled)
        {
            throw new ArgumentException("RabbitMq:Uri is required", nameof(options));
        }

        _exchange = options.Exchange;
        _mandatory = options.Mandatory;
        _factory = new ConnectionFactory
        {
            Uri = new Uri(options.Uri!),
            ClientProvidedName = "crossroads-outbox-relay",
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
        };
        Name = $"rabbitmq {_factory.HostName}:{_factory.Port}/{_exchange}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public async Task DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        // One delivery at a time: a channel's publishes must not interleave, or the order of a batch would be lost.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var channel = await OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var message in messages)
            {
                byte[] body = Encoding.UTF8.GetBytes(message.Payload);
                var properties = new BasicProperties
                {
                    MessageId = message.EventId.ToString("D"),
                    Type = EventRouting.EventType(body),
                    ContentType = "application/json",
                    DeliveryMode = DeliveryModes.Persistent,
                    Timestamp = new AmqpTimestamp(message.OccurredAt.ToUnixTimeSeconds()),
                    Headers = new Dictionary<string, object?> { ["x-revision"] = message.Revision },
                };
                // With confirmation tracking on, this returns once the broker acknowledged the message and throws
                // when it refused it (nack), returned it (mandatory, no queue) or the channel failed: awaiting each
                // keeps the batch in revision order.
                await channel.BasicPublishAsync(_exchange, EventRouting.RoutingKey(body), _mandatory, properties, body, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (PublishReturnException returned)
        {
            // The channel is still good, but the relay's status and log should say why the batch waits.
            throw new InvalidOperationException(
                $"the broker returned a message published to exchange '{returned.Exchange}' with routing key '{returned.RoutingKey}': {returned.ReplyCode} {returned.ReplyText} (no queue bound for it; Mandatory is on)",
                returned);
        }
        catch
        {
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        _gate.Dispose();
    }

    private async Task<IChannel> OpenAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open && _connection is { IsOpen: true })
        {
            return open;
        }

        await CloseAsync().ConfigureAwait(false);
        _connection = await _factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken).ConfigureAwait(false);
        await _channel.ExchangeDeclareAsync(_exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        return _channel;
    }

    // Drops the connection after a failure (or on dispose); errors while closing a broken connection say nothing new.
    private async Task CloseAsync()
    {
        var channel = _channel;
        var connection = _connection;
        _channel = null;
        _connection = null;
        if (channel is not null)
        {
            try
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // closing a broken channel: any error is expected and irrelevant
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        if (connection is not null)
        {
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // as above
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
