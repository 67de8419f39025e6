using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Prometheus;

namespace Crossroads.Benchmarks.Metrics;

/// <summary>
/// What one measurement costs on the request path under each Prometheus exporter we considered, against no listener:
/// the routing table's instruments (a counter with one tag, one with three, a histogram with explicit buckets).
/// Each run uses fresh meters, so only the exporter under test listens.
/// </summary>
[MemoryDiagnoser]
public class MetricsRecordingBenchmarks
{
    private static readonly double[] LatencyBuckets =
        [0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01];

    private static readonly KeyValuePair<string, object?> Success = new("status", "success");

    private Meter _meter = null!;
    private Counter<long> _lookups = null!;
    private Counter<long> _requests = null!;
    private Histogram<double> _latency = null!;
    private MeterProvider? _openTelemetry;
    private IDisposable? _prometheusNet;

    /// <summary>None, OpenTelemetry (the SDK with its Prometheus exporter: what the server uses) or PrometheusNet (its MeterAdapter).</summary>
    [Params("None", "OpenTelemetry", "PrometheusNet")]
    public string Exporter { get; set; } = "None";

    [GlobalSetup]
    public void Setup()
    {
        string name = "Crossroads.Bench." + Guid.NewGuid().ToString("N");
        _meter = new Meter(name);
        _lookups = _meter.CreateCounter<long>("routing_lookups_total", description: "Lookups by outcome.");
        _requests = _meter.CreateCounter<long>("http_requests_total", description: "Requests by method, route and status.");
        _latency = _meter.CreateHistogram("routing_lookup_latency_seconds", unit: "s", description: "Lookup latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        switch (Exporter)
        {
            case "OpenTelemetry":
                _openTelemetry = Sdk.CreateMeterProviderBuilder()
                    .AddMeter(name)
                    .AddPrometheusExporter(static o => o.ScrapeResponseCacheDurationMilliseconds = 0)
                    .Build();
                break;
            case "PrometheusNet":
                var registry = Prometheus.Metrics.NewCustomRegistry();
                _prometheusNet = MeterAdapter.StartListening(new MeterAdapterOptions
                {
                    Registry = registry,
                    MetricFactory = Prometheus.Metrics.WithCustomRegistry(registry),
                    InstrumentFilterPredicate = i => i.Meter.Name == name,
                    ResolveHistogramBuckets = static i => i is Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } ? [.. b] : MeterAdapterOptions.DefaultHistogramBuckets,
                });
                break;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _openTelemetry?.Dispose();
        _prometheusNet?.Dispose();
        _meter.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void CounterOneTag() => _lookups.Add(1, Success);

    [Benchmark]
    public void CounterThreeTags() => _requests.Add(1, new("method", "GET"), new("route", "/destination/{**ip}"), new("status", "200"));

    [Benchmark]
    public void HistogramTwoTags() => _latency.Record(0.000_004, new("status", "success"), new("family", "ipv4"));
}
