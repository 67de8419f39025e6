using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.Benchmarks;

/// <summary>
/// The full shared table (../shared/data/routes-full.txt.gz next to the repository, or CROSSROADS_ROUTES),
/// loaded once per benchmark process.
/// </summary>
internal static class SharedTable
{
    public static string Path { get; } = Environment.GetEnvironmentVariable("CROSSROADS_ROUTES") ?? FindDefault();

    private static readonly Lazy<RouteTable> Table = new(() => RouteTable.Create(RouteFileLoader.Load(Path!)));

    public static RouteTable Get() => Table.Value;

    private static string FindDefault()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "..", "shared", "data", "routes-full.txt.gz");
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Crossroads.slnx")) && File.Exists(candidate))
            {
                return System.IO.Path.GetFullPath(candidate);
            }
        }

        throw new FileNotFoundException("routes-full.txt.gz not found next to the repository (../shared/data); set CROSSROADS_ROUTES.");
    }
}
