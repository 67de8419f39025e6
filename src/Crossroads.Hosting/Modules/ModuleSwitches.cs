using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Modules;

/// <summary>Reads <c>Modules:&lt;Name&gt;:Enabled</c> (default true); a misspelt module or key stops the start (exit 2).</summary>
internal static class ModuleSwitches
{
    public const string SectionName = "Modules";

    public static IReadOnlyList<CrossroadsModule> Enabled(IConfiguration configuration, IReadOnlyList<CrossroadsModule> modules)
    {
        var failures = new List<string>();
        var section = configuration.GetSection(SectionName);
        foreach (var child in section.GetChildren())
        {
            if (!modules.Any(m => string.Equals(m.Identity.Name, child.Key, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{SectionName}:{child.Key}: no such module (modules: {string.Join(", ", modules.Select(static m => m.Identity.Name))})");
                continue;
            }

            foreach (var setting in child.GetChildren())
            {
                if (!string.Equals(setting.Key, "Enabled", StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{SectionName}:{child.Key}:{setting.Key}: unknown setting (known: Enabled)");
                }
                else if (!bool.TryParse(setting.Value, out _))
                {
                    failures.Add($"{SectionName}:{child.Key}:Enabled: must be true or false, got '{setting.Value}'");
                }
            }
        }

        var duplicate = modules.GroupBy(static m => m.Identity.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(static g => g.Count() > 1);
        if (duplicate is not null)
        {
            failures.Add($"module {duplicate.Key} is composed twice");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(SectionName, typeof(ModuleSwitches), failures);
        }

        return [.. modules.Where(m => !bool.TryParse(section[$"{m.Identity.Name}:Enabled"], out bool enabled) || enabled)];
    }
}
