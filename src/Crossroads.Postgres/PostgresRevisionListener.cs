using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crossroads.Postgres;

/// <summary>
/// <c>LISTEN</c> on a channel where every commit notifies its revision, over a dedicated (unpooled) connection. On
/// connect and after every reconnect it reports the current revision as a catch-up, since notifications sent while it
/// was not listening are gone; it reconnects with capped exponential backoff and checks an idle connection with a
/// heartbeat, so a silently dead one is noticed within <see cref="Heartbeat"/>. Logging goes through the module's own
/// messages (its event ids).
/// </summary>
public sealed class PostgresRevisionListener
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly string _channel;
    private readonly string _currentRevisionSql;
    private readonly ILogger _logger;
    private readonly Action<ILogger, long> _logConnected;
    private readonly Action<ILogger, Exception, TimeSpan> _logDisconnected;
    private readonly Action<bool>? _connectionChanged;
    private volatile bool _connected;

    /// <param name="connectionString">The module's connection string (pooling is switched off for this connection).</param>
    /// <param name="channel">The notification channel (an SQL identifier).</param>
    /// <param name="currentRevisionSql">A query returning the latest committed revision (a bigint).</param>
    /// <param name="logger">The module's logger.</param>
    /// <param name="logConnected">Logs "listening, at revision N".</param>
    /// <param name="logDisconnected">Logs a lost or failed connection and the delay before the next attempt.</param>
    /// <param name="connectionChanged">Told when the listener starts or stops hearing every commit.</param>
    public PostgresRevisionListener(
        string connectionString,
        string channel,
        string currentRevisionSql,
        ILogger logger,
        Action<ILogger, long> logConnected,
        Action<ILogger, Exception, TimeSpan> logDisconnected,
        Action<bool>? connectionChanged = null)
    {
        // Unpooled: the connection lives as long as the listener, and a pooled one could come back dead after a restart.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        _channel = channel;
        _currentRevisionSql = currentRevisionSql;
        _logger = logger;
        _logConnected = logConnected;
        _logDisconnected = logDisconnected;
        _connectionChanged = connectionChanged;
    }

    /// <summary>Whether the listener currently hears every commit.</summary>
    public bool IsConnected => _connected;

    /// <summary>
    /// Listens until cancelled, calling <paramref name="signal"/> with a committed revision and whether it is a
    /// catch-up after a (re)connect (then the consumer reads from its last applied revision whatever the number).
    /// </summary>
    public async Task RunAsync(Action<long, bool> signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
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
#pragma warning disable CA1031 // Whatever broke the connection, the listener reconnects; it belongs to its consumer.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (_connected)
                {
                    retry = FirstRetry;
                }

                SetConnected(false);
                _logDisconnected(_logger, e, retry);
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

        SetConnected(false);
    }

    private void SetConnected(bool connected)
    {
        _connected = connected;
        _connectionChanged?.Invoke(connected);
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
            var command = new NpgsqlCommand($"LISTEN {_channel}; {_currentRevisionSql}", connection);
            await using (command.ConfigureAwait(false))
            {
                // Read after LISTEN: every commit after it is notified to us, every one before it is at most it.
                current = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            SetConnected(true);
            _logConnected(_logger, current);
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
