using Microsoft.AspNetCore.Routing;

namespace Crossroads.Hosting;

/// <summary>
/// One part of the server (routing table, service routes, model router, geocoder). The chassis enumerates modules;
/// a module never wires itself into the host. Its <see cref="Identity"/> (from <see cref="ModuleCatalog"/>) names its
/// configuration section, meter, log category, health check and OpenAPI tag. See the README's "Module contract".
/// </summary>
public abstract class CrossroadsModule
{
    /// <summary>The module's entry in <see cref="ModuleCatalog"/>: name, event-id range and the names derived from it.</summary>
    public abstract ModuleIdentity Identity { get; }

    /// <summary>
    /// Prefix of the route group the module's endpoints are mapped under, e.g. <c>/api/v1</c>; empty maps at the root
    /// (the routing table keeps the Python service's root paths). Defaults to empty.
    /// </summary>
    public virtual string RoutePrefix => string.Empty;

    /// <summary>
    /// True when the module loads data after the server starts and reports <see cref="ModuleStatus.MarkReady"/> or
    /// <see cref="ModuleStatus.MarkFailed"/> itself; false (the default) marks it ready once the host has started.
    /// </summary>
    public virtual bool LoadsInBackground => false;

    /// <summary>
    /// Environment names kept from the service the module replaces, mapped onto keys of its section
    /// (e.g. <c>ROUTES_FILE</c> → <c>RoutesFile</c>). A non-empty alias wins over the section key.
    /// </summary>
    public virtual IReadOnlyList<ConfigurationAlias> Aliases => [];

    /// <summary>
    /// The module's default per-client budgets (overridable under <c>RateLimits:Modules:&lt;Name&gt;</c>); null uses the
    /// chassis' <c>RateLimits:Reads</c> and <c>RateLimits:Writes</c>.
    /// </summary>
    public virtual ModuleRateLimitOptions? RateLimits => null;

    /// <summary>
    /// Adds members the clients of the service the module replaces read to every problem answered on the module's
    /// endpoints, the chassis' own (401, 403, 413, 429, ...) included, after the chassis shaped it; null (the default)
    /// adds nothing. Keep it cheap: it runs on every error of the module.
    /// </summary>
    public virtual Action<Microsoft.AspNetCore.Mvc.ProblemDetails>? ShapeProblem => null;

    /// <summary>Registers the module's options (<see cref="ModuleServices.AddOptions{TOptions}"/>) and services. Reads no configuration values itself.</summary>
    public abstract void AddServices(ModuleServices module);

    /// <summary>Maps the module's endpoints on the group the chassis hands it (prefix, tag and module metadata already set).</summary>
    public abstract void MapEndpoints(IEndpointRouteBuilder group);
}
