using System.Diagnostics;
using System.Globalization;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// Parses and compiles the routes file while the host is still being built. On a cold start that work takes ~1.6 s and
/// the host ~0.6 s before hosted services run, and the table depends on nothing but the file and the largest metric,
/// so it need not wait: the loader takes the result when it starts (or loads itself if the settings it was given
/// differ, which they cannot when both read the same configuration). A failure is only observed by the loader, which
/// reports it as it would its own (exit 3); when the settings are invalid the start stops with exit 2 and the result
/// is never looked at.
/// </summary>
public sealed class RoutingTablePreload
{
    private readonly string _routesFile;
    private readonly int _maxMetric;
    private readonly Task<PreloadedTable> _load;

    private RoutingTablePreload(string routesFile, int maxMetric)
    {
        _routesFile = routesFile;
        _maxMetric = maxMetric;
        _load = Task.Run(() => PreloadedTable.Load(routesFile, maxMetric));
    }

    /// <summary>Starts loading what the module's section names (its aliases already applied), or null when the
    /// settings are not valid enough to guess (the options validation reports them).</summary>
    public static RoutingTablePreload? Start(IConfiguration section)
    {
        var defaults = new RoutingTableOptions();
        string routesFile = section[nameof(RoutingTableOptions.RoutesFile)] ?? defaults.RoutesFile;
        string? metricText = section[nameof(RoutingTableOptions.MaxMetric)];
        int maxMetric = defaults.MaxMetric;
        if (string.IsNullOrWhiteSpace(routesFile)
            || (metricText is not null && !int.TryParse(metricText, NumberStyles.Integer, CultureInfo.InvariantCulture, out maxMetric))
            || maxMetric < 1)
        {
            return null;
        }

        return new RoutingTablePreload(routesFile, maxMetric);
    }

    /// <summary>The table loaded for exactly these settings, or null when they differ from what was preloaded.</summary>
    public Task<PreloadedTable>? For(string routesFile, int maxMetric) =>
        string.Equals(routesFile, _routesFile, StringComparison.Ordinal) && maxMetric == _maxMetric ? _load : null;
}

/// <summary>A freshly compiled table (no update applied) and how long parsing and parsing + compiling took.</summary>
public sealed record PreloadedTable(RouteTable Table, TimeSpan ParseTime, TimeSpan LoadTime)
{
    /// <summary>Parses and compiles <paramref name="routesFile"/>, timing both.</summary>
    public static PreloadedTable Load(string routesFile, int maxMetric)
    {
        var clock = Stopwatch.StartNew();
        var routes = RouteFileLoader.Load(routesFile);
        var parseTime = clock.Elapsed;
        return new PreloadedTable(RouteTable.Create(routes, maxMetric), parseTime, clock.Elapsed);
    }
}
