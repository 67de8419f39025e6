namespace Crossroads.Hosting.Metrics;

/// <summary>The Prometheus metric type a family is exported as.</summary>
internal enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}
