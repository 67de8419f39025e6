namespace Crossroads.RoutingTable.Replication;

/// <summary>
/// This replica's base table (routes file and MAX_METRIC) is not the one the shared table was started from: its rows
/// name routes of another table, so the replica must not serve or write them.
/// </summary>
public sealed class BaseTableMismatchException : Exception
{
    public BaseTableMismatchException()
    {
    }

    public BaseTableMismatchException(string message)
        : base(message)
    {
    }

    public BaseTableMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
