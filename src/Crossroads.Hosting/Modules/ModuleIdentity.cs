namespace Crossroads.Hosting;

/// <summary>
/// A module's name and event-id range, and the names derived from them so that no module invents its own:
/// configuration section <c>Name</c>, meter and log category <c>Crossroads.Name</c>, health check <c>Name</c>.
/// </summary>
public sealed record ModuleIdentity
{
    /// <summary>Creates an identity; use the entries of <see cref="ModuleCatalog"/>.</summary>
    public ModuleIdentity(string name, EventIdRange eventIds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        EventIds = eventIds;
    }

    /// <summary>PascalCase name: the configuration section, the health check and the OpenAPI tag.</summary>
    public string Name { get; }

    /// <summary>The event ids the module's log messages use.</summary>
    public EventIdRange EventIds { get; }

    /// <summary>Name of the module's <see cref="System.Diagnostics.Metrics.Meter"/>; the metrics exporter listens to <c>Crossroads.*</c>.</summary>
    public string MeterName => ModuleCatalog.MeterPrefix + Name;

    /// <summary>Log category of the module's loggers, so <c>Logging:LogLevel:Crossroads.Name</c> tunes one module.</summary>
    public string LogCategory => ModuleCatalog.MeterPrefix + Name;

    /// <summary>The module's configuration section.</summary>
    public string SectionName => Name;

    /// <summary>The switch that turns the module off: <c>Modules:Name:Enabled</c>.</summary>
    public string EnabledKey => $"Modules:{Name}:Enabled";
}
