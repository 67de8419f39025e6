using Microsoft.Extensions.Configuration;

namespace Crossroads.Hosting.Configuration;

/// <summary>
/// The one place legacy names (<c>ROUTES_FILE</c>, <c>HOST</c>, <c>PORT</c>...) become keys of their section. They are
/// read from every source (environment, command line, appsettings) and added as the last, winning source; an empty
/// value counts as unset, as in container env files.
/// </summary>
internal static class ConfigurationAliases
{
    public static void Apply(ConfigurationManager configuration, string section, IReadOnlyList<ConfigurationAlias> aliases)
    {
        Dictionary<string, string?>? values = null;
        foreach (var alias in aliases)
        {
            if (configuration[alias.Alias] is { Length: > 0 } value)
            {
                (values ??= new(StringComparer.OrdinalIgnoreCase))[$"{section}:{alias.Key}"] = value;
            }
        }

        if (values is not null)
        {
            configuration.AddInMemoryCollection(values);
        }
    }

    /// <summary>The alias of <paramref name="key"/> (relative to its section), if it has one.</summary>
    public static string? AliasOf(IReadOnlyList<ConfigurationAlias> aliases, string key) =>
        aliases.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase))?.Alias;
}
