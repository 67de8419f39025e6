using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;

namespace Crossroads.Hosting.Configuration;

/// <summary>
/// Turns bound options types into <c>--help</c> lines: every setting's key, default (read from a fresh instance, so
/// help cannot drift from the code) and its <see cref="DescriptionAttribute"/>. Lists show as <c>Key:&lt;n&gt;</c>;
/// dictionaries are described by the entries registered for them (e.g. one per module's rate limits).
/// </summary>
internal static class OptionsHelp
{
    public static IEnumerable<SettingHelp> Describe(OptionsEntry entry)
    {
        var lines = new List<SettingHelp>();
        Walk(entry.Type, entry.Defaults, entry.Section, entry.Aliases, string.Empty, lines);
        return lines;
    }

    private static void Walk(Type type, object? defaults, string path, IReadOnlyList<ConfigurationAlias> aliases, string context, List<SettingHelp> lines)
    {
        foreach (var property in OptionsProperties.Of(type))
        {
            string key = path.Length == 0 ? property.Name : $"{path}:{property.Name}";
            string own = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? string.Empty;
            string description = $"{context} {own}".Trim();
            object? value = defaults is null ? null : property.GetValue(defaults);
            var propertyType = property.PropertyType;
            if (OptionsProperties.IsLeaf(propertyType))
            {
                string? alias = ConfigurationAliases.AliasOf(aliases, property.Name);
                string shown = alias is null ? description : $"{description} Also read from {alias}, which wins.".TrimStart();
                lines.Add(new SettingHelp(key, Text(value), shown));
            }
            else if (IsDictionary(propertyType))
            {
                continue;
            }
            else if (ElementType(propertyType) is { } element)
            {
                if (OptionsProperties.IsLeaf(element))
                {
                    lines.Add(new SettingHelp($"{key}:<n>", string.Empty, description));
                }
                else
                {
                    Walk(element, null, $"{key}:<n>", [], description, lines);
                }
            }
            else
            {
                Walk(propertyType, value, key, [], description, lines);
            }
        }
    }

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type)
        || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>))
        || type.GetInterfaces().Any(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
