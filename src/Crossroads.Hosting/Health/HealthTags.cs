namespace Crossroads.Hosting;

/// <summary>Tags that place a health check into a probe: <c>services.AddHealthChecks().AddCheck&lt;T&gt;("name", tags: [HealthTags.Ready])</c>.</summary>
public static class HealthTags
{
    /// <summary>Checked by <c>/health/ready</c> and <c>/readyz</c>.</summary>
    public const string Ready = "ready";

    /// <summary>Checked by <c>/health/live</c> and <c>/livez</c>; use sparingly, a failing liveness check restarts the process.</summary>
    public const string Live = "live";

    /// <summary>Checked by <c>/health/startup</c> and <c>/startupz</c>.</summary>
    public const string Startup = "startup";

    /// <summary>Carried by each module's own check (named after the module), which is also tagged ready and startup.</summary>
    public const string Module = "module";

    /// <summary>Name of the check that passes once every enabled module is ready.</summary>
    public const string StartupCheckName = "startup";

    /// <summary>Name of the check that fails once shutdown has begun.</summary>
    public const string DrainingCheckName = "draining";
}
