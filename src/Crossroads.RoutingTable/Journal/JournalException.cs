namespace Crossroads.RoutingTable.Journal;

/// <summary>The update journal is damaged or names an update the table cannot take.</summary>
public sealed class JournalException : Exception
{
    public JournalException()
    {
    }

    public JournalException(string message)
        : base(message)
    {
    }

    public JournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
