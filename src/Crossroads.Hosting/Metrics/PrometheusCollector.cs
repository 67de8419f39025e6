using System.Diagnostics.Metrics;
using System.Text;
using Crossroads.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Metrics;

/// <summary>
/// Listens to <see cref="Meter"/>s whose name starts with <c>Crossroads</c> and keeps their current values for
/// <c>GET /metrics</c>. Meters created by another container's <see cref="IMeterFactory"/> are ignored, so several
/// servers in one process (tests) do not see each other's instruments; unscoped meters (<c>new Meter(...)</c>) are
/// seen by every collector.
/// </summary>
internal sealed class PrometheusCollector : IDisposable
{
    /// <summary>Meters with this prefix are exported.</summary>
    public const string MeterPrefix = "Crossroads";

    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _meterFactory;
    private readonly ILogger<PrometheusCollector> _logger;
    private readonly Dictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _familiesLock = new();
    private readonly Lock _scrapeLock = new();

    public PrometheusCollector(IMeterFactory meterFactory, ILogger<PrometheusCollector> logger)
    {
        _meterFactory = meterFactory;
        _logger = logger;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        _listener.Start();
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (!meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal)
            || (meter.Scope is not null && !ReferenceEquals(meter.Scope, _meterFactory)))
        {
            return;
        }

        var (kind, isAbsolute) = Classify(instrument);
        var name = PrometheusNaming.MetricName(instrument.Name, kind == MetricKind.Counter);
        MetricFamily family;
        lock (_familiesLock)
        {
            if (_families.TryGetValue(name, out var existing))
            {
                if (existing.Kind != kind || existing.IsObservable != instrument.IsObservable)
                {
                    HostingLog.MetricConflict(_logger, instrument.Name, meter.Name, name, existing.Kind.ToString());
                    return;
                }

                family = existing;
            }
            else
            {
                var help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
                var bounds = kind == MetricKind.Histogram ? HistogramBounds.For(instrument) : null;
                family = new MetricFamily(name, kind, help, instrument.IsObservable, isAbsolute, bounds);
                family.SeriesLimitReached += OnSeriesLimitReached;
                _families.Add(name, family);
            }
        }

        listener.EnableMeasurementEvents(instrument, family);
    }

    private void OnSeriesLimitReached(MetricFamily family)
    {
        if (family.TryReportLimit())
        {
            HostingLog.SeriesLimitReached(_logger, family.Name, MetricFamily.MaxSeries);
        }
    }

    /// <summary>Maps an instrument to its Prometheus type and whether a measurement replaces the value.</summary>
    private static (MetricKind Kind, bool IsAbsolute) Classify(Instrument instrument)
    {
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        if (definition == typeof(Counter<>))
        {
            return (MetricKind.Counter, false);
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return (MetricKind.Counter, true);
        }

        if (definition == typeof(Histogram<>))
        {
            return (MetricKind.Histogram, false);
        }

        // UpDownCounter adds; gauges and observable up/down counters report the current value.
        return (MetricKind.Gauge, definition != typeof(UpDownCounter<>));
    }

    /// <summary>Writes every family in text exposition format 0.0.4, sorted by name for stable output.</summary>
    public string Scrape()
    {
        lock (_scrapeLock)
        {
            MetricFamily[] families;
            lock (_familiesLock)
            {
                families = [.. _families.Values];
            }

            Array.Sort(families, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var family in families)
            {
                if (family.IsObservable)
                {
                    family.ClearObservations();
                }
            }

            _listener.RecordObservableInstruments();
            var builder = new StringBuilder(16 * 1024);
            foreach (var family in families)
            {
                PrometheusTextWriter.Write(builder, family);
            }

            return builder.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();
}
