namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>A fresh directory with the test table's routes file in it; the journal goes beside it unless a test moves it.</summary>
internal sealed class TempJournalDirectory : IDisposable
{
    private readonly TempDirectory _directory = new("crossroads-journal-");

    public TempJournalDirectory(int v4Prefixes = 64, int v6Prefixes = 16)
    {
        RoutesFile = JournalTestTable.WriteRoutes(Path, v4Prefixes, v6Prefixes);
        JournalPath = System.IO.Path.Combine(Path, JournalTestTable.JournalName);
    }

    public string Path => _directory.Path;

    public string RoutesFile { get; }

    public string JournalPath { get; }

    public DurableRouteTable Open(int maxMetric = 100) => DurableRouteTable.Open(RoutesFile, JournalPath, maxMetric);

    public void Dispose() => _directory.Dispose();
}
