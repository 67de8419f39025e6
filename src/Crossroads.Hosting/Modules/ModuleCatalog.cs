namespace Crossroads.Hosting;

/// <summary>
/// The one table of module names and event-id ranges (as Npgsql's <c>NpgsqlEventId</c>): a new module adds its row
/// here, so collisions are visible in review and caught by <c>ModuleCatalogTests</c>. Names are constants so that
/// attributes such as <c>[FromKeyedServices(ModuleCatalog.Names.RoutingTable)]</c> can use them.
/// </summary>
public static class ModuleCatalog
{
    /// <summary>Prefix of every Crossroads meter and module log category; the metrics exporter listens to it.</summary>
    public const string MeterPrefix = "Crossroads.";

    /// <summary>The chassis' own event ids (<c>HostingLog</c>).</summary>
    public static readonly EventIdRange ChassisEventIds = new(1000, 1999);

    /// <summary>IP routing table: longest-prefix match, metric updates, journal.</summary>
    public static readonly ModuleIdentity RoutingTable = new(Names.RoutingTable, new EventIdRange(2000, 2999));

    /// <summary>Service route control plane.</summary>
    public static readonly ModuleIdentity ServiceRoutes = new(Names.ServiceRoutes, new EventIdRange(3000, 3999));

    /// <summary>Model router (LLM gateway).</summary>
    public static readonly ModuleIdentity ModelRouter = new(Names.ModelRouter, new EventIdRange(4000, 4999));

    /// <summary>Geocoder.</summary>
    public static readonly ModuleIdentity Geocoder = new(Names.Geocoder, new EventIdRange(5000, 5999));

    /// <summary>Every module identity, in event-id order.</summary>
    public static IReadOnlyList<ModuleIdentity> All { get; } = [RoutingTable, ServiceRoutes, ModelRouter, Geocoder];

    /// <summary>Module names as constants.</summary>
    public static class Names
    {
        /// <summary>See <see cref="ModuleCatalog.RoutingTable"/>.</summary>
        public const string RoutingTable = "RoutingTable";

        /// <summary>See <see cref="ModuleCatalog.ServiceRoutes"/>.</summary>
        public const string ServiceRoutes = "ServiceRoutes";

        /// <summary>See <see cref="ModuleCatalog.ModelRouter"/>.</summary>
        public const string ModelRouter = "ModelRouter";

        /// <summary>See <see cref="ModuleCatalog.Geocoder"/>.</summary>
        public const string Geocoder = "Geocoder";
    }
}
