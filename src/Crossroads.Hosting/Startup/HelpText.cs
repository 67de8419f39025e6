using System.Text;

namespace Crossroads.Hosting.Startup;

/// <summary>Formats <c>--help</c>: one block per setting with its environment variable form and default.</summary>
internal static class HelpText
{
    public static string Render(IEnumerable<SettingHelp> settings)
    {
        var builder = new StringBuilder();
        builder.AppendLine("Crossroads server");
        builder.AppendLine();
        builder.AppendLine("Every setting can be given in appsettings.json, as an environment variable (':' becomes '__'),");
        builder.AppendLine("or on the command line as --Key=value. Listen addresses: --urls http://0.0.0.0:8080.");
        builder.AppendLine();
        builder.AppendLine("Settings:");
        foreach (var setting in settings)
        {
            builder.Append("  ").AppendLine(setting.Key);
            builder.Append("      env ").Append(setting.EnvironmentVariable);
            builder.Append("   default: ").AppendLine(setting.Default.Length == 0 ? "(none)" : setting.Default);
            builder.Append("      ").AppendLine(setting.Description);
        }

        return builder.ToString();
    }
}
