namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>A fact reported as skipped where there is no <c>/dev/full</c> (every write to it fails with ENOSPC) or no symlinks to it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactWhenDevFullExistsAttribute : FactAttribute
{
    public const string DevFull = "/dev/full";

    public FactWhenDevFullExistsAttribute()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(DevFull))
        {
            Skip = $"{DevFull} is not available on this system; this test needs a device whose writes fail.";
        }
    }
}
