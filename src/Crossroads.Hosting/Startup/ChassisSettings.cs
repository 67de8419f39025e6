namespace Crossroads.Hosting;

/// <summary>
/// Settings the chassis reads that are not options classes of ours (OpenTelemetry's and the logging system's own
/// keys, the module switches); <c>--help</c> lists them after the options generated from the types.
/// </summary>
internal static class ChassisSettings
{
    public static IEnumerable<SettingHelp> External(IEnumerable<CrossroadsModule> modules) =>
    [
        .. modules.Select(static m => new SettingHelp(m.Identity.EnabledKey, "true", $"Serve the {m.Identity.Name} module; false leaves its endpoints, checks and settings out.")),
        new("OTEL_EXPORTER_OTLP_ENDPOINT", "", "When set, traces and metrics are also exported with OTLP to this endpoint (standard OTEL_* variables apply)."),
        new("Logging:LogLevel:Default", "Information", "Minimum log level; logs are JSON on stdout (plain text in Development). Per module: Logging:LogLevel:Crossroads.<Module>."),
    ];
}
