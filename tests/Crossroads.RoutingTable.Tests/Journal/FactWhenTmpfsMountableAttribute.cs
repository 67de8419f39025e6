namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// A fact reported as skipped, with the reason, when a tmpfs cannot be mounted here (not Linux, not root / no
/// CAP_SYS_ADMIN), so a full-disk test never shows as passed without having run. Probed once per test run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactWhenTmpfsMountableAttribute : FactAttribute
{
    public FactWhenTmpfsMountableAttribute()
    {
        if (TmpfsMount.WhyNotMountable is { } reason)
        {
            Skip = reason;
        }
    }
}
