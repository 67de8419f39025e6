using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crossroads.RoutingTable.Replication;

/// <summary>How a replica reaches the shared table.</summary>
public sealed class SharedTableOptions
{
    /// <summary>Npgsql connection string of the database every replica shares.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The routes file this replica loaded (recorded by the first replica, named in mismatch errors).</summary>
    public required string RoutesFile { get; init; }

    /// <summary>How often the revision is checked when no notification came (the safety net).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
