using System.Globalization;
using System.Text;
using Crossroads.ServiceRoutes.Events;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>
/// A real consumer on the broker: a queue bound to the relay's exchange with <c>#</c> (every routing key), acking
/// each message after recording it. An exclusive server-named queue by default; a named durable one survives a
/// broker restart (the relay's messages are persistent), to be drained by a consumer started afterwards.
/// </summary>
internal sealed class EventConsumer : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly List<ReceivedEvent> _received = [];

    private EventConsumer(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public IReadOnlyList<ReceivedEvent> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Declares the exchange (as the relay does) and the queue, binds it, and starts consuming.</summary>
    public static async Task<EventConsumer> StartAsync(string uri, string exchange = RabbitMqEventsOptions.DefaultExchange, string? durableQueue = null)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var consumer = new EventConsumer(connection, channel);
        string queue = await DeclareAsync(channel, exchange, durableQueue);
        var callback = new AsyncEventingBasicConsumer(channel);
        callback.ReceivedAsync += consumer.OnReceivedAsync;
        await channel.BasicConsumeAsync(queue, autoAck: false, callback);
        return consumer;
    }

    /// <summary>Declares the durable queue (and exchange) without consuming, so that it collects messages from now on.</summary>
    public static async Task DeclareDurableQueueAsync(string uri, string queue, string exchange = RabbitMqEventsOptions.DefaultExchange)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await DeclareAsync(channel, exchange, queue);
    }

    private static async Task<string> DeclareAsync(IChannel channel, string exchange, string? durableQueue)
    {
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = durableQueue is null
            ? await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)
            : await channel.QueueDeclareAsync(durableQueue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue.QueueName, exchange, "#");
        return queue.QueueName;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = delivery.BasicProperties.ContentType ?? "",
            ["type"] = delivery.BasicProperties.Type ?? "",
            ["persistent"] = delivery.BasicProperties.Persistent.ToString(),
            ["x-revision"] = delivery.BasicProperties.Headers is { } headers && headers.TryGetValue("x-revision", out object? revision)
                ? Convert.ToString(revision, CultureInfo.InvariantCulture) ?? ""
                : "",
        };
        var received = new ReceivedEvent(delivery.BasicProperties.MessageId ?? "", delivery.RoutingKey, Encoding.UTF8.GetString(delivery.Body.Span), properties);
        lock (_received)
        {
            _received.Add(received);
        }

        await _channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    }
}
