namespace Crossroads.Hosting;

/// <summary>
/// A legacy environment name kept for compatibility (<c>ROUTES_FILE</c>) and the key of the module's section it sets
/// (<c>RoutesFile</c>). Every alias is applied in one place (<c>ConfigurationAliases</c>); a non-empty alias wins.
/// </summary>
/// <param name="Alias">The legacy name, read from any configuration source (environment, command line).</param>
/// <param name="Key">The key relative to the owning section, e.g. <c>RoutesFile</c>.</param>
public sealed record ConfigurationAlias(string Alias, string Key);
