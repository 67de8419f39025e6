using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// Settings of the routing-table module, section <c>RoutingTable</c>; the Python service's <c>ROUTES_FILE</c> and
/// <c>MAX_METRIC</c>, and <c>DATA_DIR</c>, are aliases (see <see cref="RoutingTableModule.Aliases"/>). With
/// <c>ConnectionStrings:Crossroads</c> set, updates go to the shared table on PostgreSQL instead of the journal.
/// </summary>
public sealed class RoutingTableOptions
{
    /// <summary>Routes file (<c>prefix;next_hop</c> lines, plain or gzip). Default: the bundled sample.</summary>
    [Description("Routes file, one 'prefix;next_hop' per line; .gz accepted.")]
    [Required]
    public string RoutesFile { get; set; } = Path.Combine(AppContext.BaseDirectory, "data", "sample-routes.txt");

    /// <summary>Largest valid metric; routes load with it.</summary>
    [Description("Largest valid metric; routes load with it.")]
    [Range(1, int.MaxValue)]
    public int MaxMetric { get; set; } = Crossroads.RoutingTable.RouteTable.DefaultMaxMetric;

    /// <summary>Directory of the update journal. Default: the routes file's directory.</summary>
    [Description("Where the update journal (<routes file name>.journal) lives; default: the routes file's directory.")]
    public string? DataDirectory { get; set; }

    /// <summary>Most addresses one <c>POST /destinations</c> may carry.</summary>
    [Description("Most addresses in one POST /destinations.")]
    [Range(1, 1_000_000)]
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Most routes one page of <c>GET /routes</c> may return.</summary>
    [Description("Most routes in one page of GET /routes.")]
    [Range(1, 1_000_000)]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Shared table: how often the revision is checked when no change notification came (the safety net).</summary>
    [Description("With ConnectionStrings:Crossroads: how often the shared table's revision is checked when no change notification arrived (safety net).")]
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Shared table: how long writes are refused (503) after the database breaker opens.</summary>
    [Description("With ConnectionStrings:Crossroads: how long updates answer 503 without trying the database once the breaker opened (also the Retry-After).")]
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Shared table: share of failed database calls over 10 s that opens the breaker.</summary>
    [Description("With ConnectionStrings:Crossroads: share (0.01-1) of updates failing on the database over 10 s that opens the breaker.")]
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The journal file: one per routes file, named after it.</summary>
    public string JournalPath() =>
        Path.Combine(
            DataDirectory ?? Path.GetDirectoryName(Path.GetFullPath(RoutesFile)) ?? ".",
            Path.GetFileName(RoutesFile) + ".journal");
}
