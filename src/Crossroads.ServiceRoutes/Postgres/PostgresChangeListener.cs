using Crossroads.Postgres;
using Crossroads.ServiceRoutes.Changes;
using Microsoft.Extensions.Logging;

namespace Crossroads.ServiceRoutes.Postgres;

/// <summary>
/// Feeds a <see cref="ChangeListener"/> from PostgreSQL: a <see cref="PostgresRevisionListener"/> (dedicated connection,
/// <c>LISTEN</c> on <see cref="Channel"/>, reconnect with backoff, heartbeat) where every write batch that commits a
/// change notifies its last revision; on connect and after every reconnect it signals catch-up with the current
/// revision, since notifications sent while it was not listening are gone.
/// </summary>
internal sealed class PostgresChangeListener(string connectionString, ILogger logger)
{
    /// <summary>The notification channel.</summary>
    public const string Channel = "crossroads_service_routes";

    public Task RunAsync(ChangeListener listener, CancellationToken cancellationToken)
    {
        var revisions = new PostgresRevisionListener(
            connectionString,
            Channel,
            "SELECT revision FROM revision_counter WHERE id = 1",
            logger,
            ServiceRoutesLog.ListenerConnected,
            ServiceRoutesLog.ListenerDisconnected,
            listener.SetConnected);
        return revisions.RunAsync((revision, catchUp) => listener.Post(new ServiceRouteChangeSignal(revision, catchUp)), cancellationToken);
    }
}
