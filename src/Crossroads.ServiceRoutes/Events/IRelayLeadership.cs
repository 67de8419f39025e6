namespace Crossroads.ServiceRoutes.Events;

/// <summary>
/// Decides which relay delivers: per-route ordering needs exactly one at a time. <see cref="PostgresRelayLeadership"/>
/// elects one among the replicas sharing a database; <see cref="SingleNodeLeadership"/> (SQLite) always leads.
/// </summary>
public interface IRelayLeadership : IAsyncDisposable
{
    /// <summary>
    /// Takes the leadership when free, or checks that this relay still holds it; false while another relay leads.
    /// Throws when the check itself fails (e.g. the database is unreachable); the leadership is then lost.
    /// </summary>
    Task<bool> EnsureAsync(CancellationToken cancellationToken);
}
