namespace Crossroads.RoutingTable.Tests.Support;

/// <summary>
/// A fact that is reported as skipped, naming the missing path, when the shared full table is absent,
/// so a machine without the data never shows it as passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactWhenFullTableExistsAttribute : FactAttribute
{
    public FactWhenFullTableExistsAttribute()
    {
        string path = TestPaths.FullTable();
        if (!File.Exists(path))
        {
            Skip = $"Full routing table not found at {path}; this test needs it.";
        }
    }
}
