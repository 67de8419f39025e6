namespace Crossroads.RoutingTable.Loading;

/// <summary>A routes file could not be loaded; the message names the file, the line and the text.</summary>
public sealed class RouteFileException : Exception
{
    public RouteFileException()
    {
    }

    public RouteFileException(string message)
        : base(message)
    {
    }

    public RouteFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RouteFileException(string path, long lineNumber, string lineText, string reason)
        : base($"{path}:{lineNumber}: {reason}: '{lineText}'")
    {
        Path = path;
        LineNumber = lineNumber;
        LineText = lineText;
    }

    /// <summary>The file being read.</summary>
    public string? Path { get; }

    /// <summary>The 1-based number of the bad line.</summary>
    public long LineNumber { get; }

    /// <summary>The bad line as read.</summary>
    public string? LineText { get; }
}
