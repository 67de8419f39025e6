namespace Crossroads.RoutingTable.Tests.Support;

internal static class TestPaths
{
    /// <summary>The repository root: the first folder above the test binaries holding Crossroads.slnx.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crossroads.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>The shared full routing table (../shared/data/routes-full.txt.gz from the repository root).</summary>
    public static string FullTable() =>
        Path.GetFullPath(Path.Combine(RepositoryRoot() ?? AppContext.BaseDirectory, "..", "shared", "data", "routes-full.txt.gz"));
}
