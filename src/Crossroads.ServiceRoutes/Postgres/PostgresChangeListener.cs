using System.Globalization;
using Crossroads.ServiceRoutes.Changes;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crossroads.ServiceRoutes.Postgres;

/// <summary>
/// Feeds a <see cref="ChangeListener"/> from PostgreSQL: a dedicated connection runs <c>LISTEN</c> on
/// <see cref="Channel"/>, where every write batch that commits a change notifies its last revision. On connect and
/// after every reconnect it signals catch-up with the current revision, since notifications sent while it was not
/// listening are gone; it reconnects with capped exponential backoff and checks an idle connection with a heartbeat,
/// so a silently dead connection is noticed within <see cref="Heartbeat"/>.
/// </summary>
internal sealed class PostgresChangeListener
{
    /// <summary>The notification channel.</summary>
    public const string Channel = "crossroads_service_routes";

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly ILogger _logger;

    public PostgresChangeListener(string connectionString, ILogger logger)
    {
        // Unpooled: the connection lives as long as the listener, and a pooled one could come back dead after a restart.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        _logger = logger;
    }

    public async Task RunAsync(ChangeListener listener, CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(listener, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Whatever broke the connection, the listener reconnects; it belongs to its consumer.
            catch (Exception e)
#pragma warning restore CA1031
            {
                bool wasConnected = listener.IsConnected;
                listener.SetConnected(false);
                ServiceRoutesLog.ListenerDisconnected(_logger, e, retry);
                if (wasConnected)
                {
                    retry = FirstRetry;
                }
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

        listener.SetConnected(false);
    }

    private async Task ListenAsync(ChangeListener listener, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += (_, e) =>
            {
                if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out long revision))
                {
                    listener.Post(new ServiceRouteChangeSignal(revision, CatchUp: false));
                }
            };
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            long current;
            var command = new NpgsqlCommand($"LISTEN {Channel}; SELECT revision FROM revision_counter WHERE id = 1", connection);
            await using (command.ConfigureAwait(false))
            {
                // The counter after LISTEN: every commit after it is notified to us, every one before it is at most it.
                current = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            listener.SetConnected(true);
            ServiceRoutesLog.ListenerConnected(_logger, current);
            listener.Post(new ServiceRouteChangeSignal(current, CatchUp: true));
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
