using Crossroads.ServiceRoutes.Postgres;
using Crossroads.ServiceRoutes.Sqlite;

namespace Crossroads.ServiceRoutes;

/// <summary>Opens an <see cref="IServiceRouteStore"/>.</summary>
public static class ServiceRouteStore
{
    /// <summary>
    /// Opens the PostgreSQL store when <see cref="ServiceRouteStoreOptions.ConnectionString"/> is set, else the SQLite
    /// store in <see cref="ServiceRouteStoreOptions.DataDirectory"/>, and applies pending schema migrations (several
    /// replicas may do so at once). Dispose the store on shutdown.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The database cannot be reached or migrated.</exception>
    /// <exception cref="ArgumentException">Neither a connection string nor a data directory was given, or the connection string is malformed.</exception>
    public static async Task<IServiceRouteStore> OpenAsync(ServiceRouteStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.ConnectionString)
            ? await SqliteRouteStore.OpenAsync(options, cancellationToken).ConfigureAwait(false)
            : await PostgresRouteStore.OpenAsync(options, cancellationToken).ConfigureAwait(false);
    }
}
