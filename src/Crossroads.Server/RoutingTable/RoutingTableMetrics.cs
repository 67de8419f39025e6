using System.Diagnostics.Metrics;
using Crossroads.Hosting;

namespace Crossroads.Server.RoutingTable;

/// <summary>The Python service's metric names, so its dashboards and alerts keep working.</summary>
public sealed class RoutingTableMetrics
{
    private static readonly double[] LatencyBuckets =
        [0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01];

    private readonly LookupCounts _lookups = new();
    private readonly Histogram<double> _lookupLatency;
    private readonly Counter<long> _updates;
    private readonly Counter<long> _errors;

    public RoutingTableMetrics(IMeterFactory meterFactory, RoutingTableState state)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ModuleCatalog.RoutingTable.MeterName);
        // Observable: counted in stripes per lookup, summed when collected (see LookupCounts).
        meter.CreateObservableCounter("routing_lookups_total", _lookups.Measure, description: "Destination lookups by outcome.");
        _lookupLatency = meter.CreateHistogram("routing_lookup_latency_seconds", unit: "s", description: "Time to parse and resolve one destination.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _updates = meter.CreateCounter<long>("routing_updates_total", description: "Metric updates by match type and outcome.");
        _errors = meter.CreateCounter<long>("routing_errors_total", description: "Rejected requests and failures by kind.");
        meter.CreateObservableGauge("routing_table_routes", () => (long)(state.Table?.Table.Current.RouteCount ?? 0), description: "Routes loaded.");
    }

    public void Lookup(LookupOutcome outcome, double seconds)
    {
        _lookups.Add(outcome, 1);
        _lookupLatency.Record(seconds);
    }

    public void Lookups(LookupOutcome outcome, long count) => _lookups.Add(outcome, count);

    public void Update(string matchType, string status) =>
        _updates.Add(1, new KeyValuePair<string, object?>("match_type", matchType), new KeyValuePair<string, object?>("status", status));

    public void Error(string errorType) => _errors.Add(1, new KeyValuePair<string, object?>("error_type", errorType));
}
