using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crossroads.RoutingTable.Replication;

/// <summary>
/// <c>LISTEN</c> on the shared table's channel over a dedicated connection. Each notification carries a committed
/// revision; on connect and after every reconnect it reports the current revision as a catch-up, since notifications
/// sent while it was not listening are gone. Reconnects with capped exponential backoff; an idle connection is checked
/// with a heartbeat, so a silently dead one is noticed within <see cref="Heartbeat"/>.
/// </summary>
internal sealed class SharedTableListener
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private volatile bool _connected;

    public SharedTableListener(string connectionString, ILogger logger)
    {
        // Unpooled: the connection lives as long as the listener, and a pooled one could come back dead after a restart.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        _logger = logger;
    }

    /// <summary>Whether the listener currently hears every commit.</summary>
    public bool IsConnected => _connected;

    /// <summary>
    /// Listens until cancelled, calling <paramref name="signal"/> with a committed revision and whether it is a
    /// catch-up after a (re)connect (then the consumer must read from its last applied revision whatever the number).
    /// </summary>
    public async Task RunAsync(Action<long, bool> signal, CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(signal, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
            {
                if (_connected)
                {
                    retry = FirstRetry;
                }

                _connected = false;
                ReplicationLog.ListenerDisconnected(_logger, e, retry);
            }

            try
            {
                await Task.Delay(retry, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }

        _connected = false;
    }

    private async Task ListenAsync(Action<long, bool> signal, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += (_, e) =>
            {
                if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out long revision))
                {
                    signal(revision, false);
                }
            };
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            long current;
            var command = new NpgsqlCommand($"LISTEN {SharedTableSchema.Channel}; SELECT revision FROM routing_table_revision WHERE id = 1", connection);
            await using (command.ConfigureAwait(false))
            {
                // Read after LISTEN: every commit after it is notified to us, every one before it is at most it.
                current = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            _connected = true;
            ReplicationLog.ListenerConnected(_logger, current);
            signal(current, true);
            while (true)
            {
                if (!await connection.WaitAsync(Heartbeat, cancellationToken).ConfigureAwait(false))
                {
                    var ping = new NpgsqlCommand("SELECT 1", connection);
                    await using (ping.ConfigureAwait(false))
                    {
                        await ping.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }
}
