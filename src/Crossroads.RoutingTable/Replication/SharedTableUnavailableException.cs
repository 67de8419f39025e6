namespace Crossroads.RoutingTable.Replication;

/// <summary>
/// PostgreSQL could not be reached or failed (connection refused, timeout, server shutting down). A write that throws
/// this was not committed, or was committed whole (the commit's answer was lost): then every replica, this one included,
/// applies it when it next catches up. Never in part.
/// </summary>
public sealed class SharedTableUnavailableException : Exception
{
    public SharedTableUnavailableException()
    {
    }

    public SharedTableUnavailableException(string message)
        : base(message)
    {
    }

    public SharedTableUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
