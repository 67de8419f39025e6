namespace Crossroads.Hosting.Configuration;

/// <summary>One bound options section: its path, its type, the instance holding its defaults, and its legacy aliases.</summary>
internal sealed record OptionsEntry(string Section, Type Type, object Defaults, IReadOnlyList<ConfigurationAlias> Aliases);
