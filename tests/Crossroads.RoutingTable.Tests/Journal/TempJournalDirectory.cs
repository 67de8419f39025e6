namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>A fresh directory with the test table's routes file in it; the journal goes beside it unless a test moves it.</summary>
internal sealed class TempJournalDirectory : IDisposable
{
    public TempJournalDirectory(int v4Prefixes = 64, int v6Prefixes = 16)
    {
        Path = Directory.CreateTempSubdirectory("crossroads-journal-").FullName;
        RoutesFile = JournalTestTable.WriteRoutes(Path, v4Prefixes, v6Prefixes);
        JournalPath = System.IO.Path.Combine(Path, JournalTestTable.JournalName);
    }

    public string Path { get; }

    public string RoutesFile { get; }

    public string JournalPath { get; }

    public DurableRouteTable Open(int maxMetric = 100) => DurableRouteTable.Open(RoutesFile, JournalPath, maxMetric);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is not a test failure.
        }
    }
}
