using System.Globalization;
using Crossroads.Hosting;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// Settings of the routing-table module: section <c>RoutingTable</c>, overridden by the environment variables
/// of the Python service it replaces (<c>ROUTES_FILE</c>, <c>MAX_METRIC</c>) and <c>DATA_DIR</c>.
/// </summary>
public sealed class RoutingTableSettings
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "RoutingTable";

    /// <summary>Routes file (<c>prefix;next_hop</c> lines, plain or gzip). Default: the bundled sample.</summary>
    public string RoutesFile { get; set; } = Path.Combine(AppContext.BaseDirectory, "data", "sample-routes.txt");

    /// <summary>Largest valid metric; routes load with it.</summary>
    public int MaxMetric { get; set; } = Crossroads.RoutingTable.RouteTable.DefaultMaxMetric;

    /// <summary>Directory of the update journal. Default: the routes file's directory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Most addresses one <c>POST /destinations</c> may carry.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Most routes one page of <c>GET /routes</c> may return.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>The journal file: one per routes file, named after it.</summary>
    public string JournalPath =>
        Path.Combine(
            DataDirectory ?? Path.GetDirectoryName(Path.GetFullPath(RoutesFile)) ?? ".",
            Path.GetFileName(RoutesFile) + ".journal");

    /// <summary>Settings listed by <c>--help</c>.</summary>
    public static IReadOnlyList<SettingHelp> Help { get; } =
    [
        new("ROUTES_FILE", "data/sample-routes.txt (bundled)", "Routes file, one 'prefix;next_hop' per line; .gz accepted. Same as RoutingTable:RoutesFile."),
        new("MAX_METRIC", "32768", "Largest valid metric; routes load with it. Same as RoutingTable:MaxMetric."),
        new("DATA_DIR", "the routes file's directory", "Where the update journal (<routes file name>.journal) lives. Same as RoutingTable:DataDirectory."),
        new("HOST", "0.0.0.0", "Listen address when no --urls / ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS is given."),
        new("PORT", "8000", "Listen port when no --urls / ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS is given."),
        new("RoutingTable:MaxBatchSize", "1000", "Most addresses in one POST /destinations."),
        new("RoutingTable:MaxPageSize", "1000", "Most routes in one page of GET /routes."),
    ];

    /// <summary>Reads the settings; a bad value throws <see cref="StartupFailedException"/> naming it.</summary>
    public static RoutingTableSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new RoutingTableSettings();
        var section = configuration.GetSection(SectionName);
        // A misspelt key silently falling back to its default is worse than refusing to start.
        string[] known = [nameof(RoutesFile), nameof(MaxMetric), nameof(DataDirectory), nameof(MaxBatchSize), nameof(MaxPageSize)];
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new StartupFailedException($"{SectionName}:{child.Key}: unknown setting (known: {string.Join(", ", known)})");
            }
        }

        settings.RoutesFile = configuration["ROUTES_FILE"] ?? section["RoutesFile"] ?? settings.RoutesFile;
        settings.DataDirectory = configuration["DATA_DIR"] ?? section["DataDirectory"];
        settings.MaxMetric = ReadInt(configuration["MAX_METRIC"], "MAX_METRIC", ReadInt(section["MaxMetric"], "RoutingTable:MaxMetric", settings.MaxMetric, 1), 1);
        settings.MaxBatchSize = ReadInt(section["MaxBatchSize"], "RoutingTable:MaxBatchSize", settings.MaxBatchSize, 1);
        settings.MaxPageSize = ReadInt(section["MaxPageSize"], "RoutingTable:MaxPageSize", settings.MaxPageSize, 1);
        if (string.IsNullOrWhiteSpace(settings.RoutesFile))
        {
            throw new StartupFailedException("ROUTES_FILE: must name a routes file");
        }

        return settings;
    }

    /// <summary>The listen URL from HOST and PORT, as the Python service took them.</summary>
    public static string ListenUrl(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string host = configuration["HOST"] is { Length: > 0 } h ? h : "0.0.0.0";
        int port = ReadInt(configuration["PORT"] is { Length: > 0 } p ? p : null, "PORT", 8000, 1);
        if (port > 65535)
        {
            throw new StartupFailedException($"PORT: must be an integer between 1 and 65535 (got '{configuration["PORT"]}')");
        }

        // An IPv6 literal needs brackets in a URL.
        return host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[')
            ? $"http://[{host}]:{port}"
            : $"http://{host}:{port}";
    }

    private static int ReadInt(string? text, string key, int fallback, int minimum)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
        {
            throw new StartupFailedException($"{key}: must be an integer between {minimum} and {int.MaxValue} (got '{text}')");
        }

        return value;
    }
}
