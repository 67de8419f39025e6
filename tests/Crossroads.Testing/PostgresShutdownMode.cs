namespace Crossroads.Testing;

/// <summary>How <see cref="PostgresServer.RestartAsync"/> stops the server (<c>pg_ctl stop -m</c>).</summary>
public enum PostgresShutdownMode
{
    /// <summary>Disconnects clients, writes a shutdown checkpoint: the clean stop of an operator.</summary>
    Fast,

    /// <summary>
    /// Stops every process at once without a checkpoint; the next start replays the WAL as after a crash. What
    /// survives this survived because it was in the write-ahead log.
    /// </summary>
    Immediate,
}
