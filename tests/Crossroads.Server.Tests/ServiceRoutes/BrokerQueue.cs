using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Crossroads.Server.Tests.ServiceRoutes;

/// <summary>
/// A durable queue bound to the service-routes exchange with <c>#</c>, declared before the server publishes (so
/// nothing is missed), read by polling <c>basic.get</c>: what a downstream consumer of route events sees.
/// </summary>
public sealed class BrokerQueue : IAsyncDisposable
{
    public const string Exchange = "crossroads.service-routes";

    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;

    private BrokerQueue(IConnection connection, IChannel channel, string queue)
    {
        _connection = connection;
        _channel = channel;
        _queue = queue;
    }

    public sealed record Message(string? MessageId, string RoutingKey, JsonElement Body);

    public static async Task<BrokerQueue> DeclareAsync(string uri)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        string queue = "test-" + Guid.NewGuid().ToString("N");
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, Exchange, "#");
        return new BrokerQueue(connection, channel, queue);
    }

    /// <summary>Reads until <paramref name="count"/> messages arrived or <paramref name="timeout"/> passed.</summary>
    public async Task<List<Message>> ReadAsync(int count, TimeSpan timeout)
    {
        var messages = new List<Message>();
        var deadline = DateTime.UtcNow + timeout;
        while (messages.Count < count && DateTime.UtcNow < deadline)
        {
            var got = await _channel.BasicGetAsync(_queue, autoAck: true);
            if (got is null)
            {
                await Task.Delay(50);
                continue;
            }

            messages.Add(new Message(got.BasicProperties.MessageId, got.RoutingKey, JsonDocument.Parse(Encoding.UTF8.GetString(got.Body.Span)).RootElement.Clone()));
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
