using Microsoft.Extensions.Logging;

namespace Crossroads.ServiceRoutes;

/// <summary>Where and how <see cref="ServiceRouteStore.OpenAsync"/> opens the store.</summary>
public sealed class ServiceRouteStoreOptions
{
    /// <summary>The SQLite database's file name inside <see cref="DataDirectory"/>.</summary>
    public const string SqliteFileName = "crossroads.db";

    /// <summary>
    /// An Npgsql connection string. When set, the store is PostgreSQL (shared by every replica); otherwise SQLite in
    /// <see cref="DataDirectory"/> (a single node).
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>The directory holding <see cref="SqliteFileName"/> (created if missing); required without a connection string.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// SQLite: how long a write waits for another connection's write lock before failing with
    /// <see cref="StoreUnavailableException"/>. PostgreSQL writers wait on row locks without a limit of ours (use the
    /// connection string's <c>Command Timeout</c>).
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most writes committed in one transaction. Writes arriving while a commit is under way are decided one after
    /// the other (as if alone, in arrival order) and committed together: one lock hand-over and one WAL flush for all
    /// of them, which is what lets a single revision counter keep up with many writers. Each write stays atomic (its
    /// route, audit and outbox rows commit together or not at all). 1 commits every write on its own. 1..1000.
    /// </summary>
    public int MaxWriteBatch { get; init; } = 64;

    /// <summary>
    /// How long an idempotency key answers with its first outcome (see <see cref="IdempotencyKey"/>); after that the
    /// key counts as unused, and the store deletes it now and then within a write batch. More than zero, at most 365 days.
    /// </summary>
    public TimeSpan IdempotencyRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The clock stamping changes (<c>occurred_at</c>, <c>updated_at</c>) and evaluating "last N days" queries.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the store logs migrations and retries; nothing is logged when null.</summary>
    public ILogger? Logger { get; init; }
}
