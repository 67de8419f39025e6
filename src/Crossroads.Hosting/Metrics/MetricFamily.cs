using System.Collections.Concurrent;

namespace Crossroads.Hosting.Metrics;

/// <summary>
/// All series of one Prometheus family. Instruments with the same exported name (e.g. the same meter created by two
/// containers) share a family so the output never repeats a TYPE line. Finding a series is a lock-free dictionary
/// lookup keyed by the measurement's tags without allocating; only a new label combination allocates.
/// </summary>
internal sealed class MetricFamily
{
    /// <summary>Caps cardinality so a tag fed from user input cannot exhaust memory.</summary>
    public const int MaxSeries = 10_000;

    private readonly ConcurrentDictionary<LabelSet, object> _series = new(LabelSetComparer.Instance);
    private readonly ConcurrentDictionary<LabelSet, object>.AlternateLookup<TagSpan> _lookup;
    private object? _unlabelled;
    private int _limitReported;

    public MetricFamily(string name, MetricKind kind, string help, bool isObservable, bool isAbsolute, double[]? bounds)
    {
        Name = name;
        Kind = kind;
        Help = help;
        IsObservable = isObservable;
        IsAbsolute = isAbsolute;
        Bounds = bounds ?? [];
        _lookup = _series.GetAlternateLookup<TagSpan>();
    }

    public string Name { get; }

    public MetricKind Kind { get; }

    public string Help { get; }

    /// <summary>Observable instruments report on scrape; their series are rebuilt each time so vanished ones disappear.</summary>
    public bool IsObservable { get; }

    /// <summary>True for gauges and observable instruments: a measurement replaces the value instead of adding to it.</summary>
    public bool IsAbsolute { get; }

    public double[] Bounds { get; }

    /// <summary>Set by the collector when the limit is first hit, so it is logged once.</summary>
    public bool TryReportLimit() => Interlocked.Exchange(ref _limitReported, 1) == 0;

    public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = FindCell(tags);
        switch (cell)
        {
            case ScalarCell scalar when IsAbsolute: scalar.Set(value); break;
            case ScalarCell scalar: scalar.Add(value); break;
            case HistogramCell histogram: histogram.Record(value, Bounds); break;
        }
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = FindCell(tags);
        switch (cell)
        {
            case ScalarCell scalar when IsAbsolute: scalar.Set(value); break;
            case ScalarCell scalar: scalar.Add(value); break;
            case HistogramCell histogram: histogram.Record(value, Bounds); break;
        }
    }

    /// <summary>Raised when a new series was refused because <see cref="MaxSeries"/> was reached.</summary>
    public event Action<MetricFamily>? SeriesLimitReached;

    private object? FindCell(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return _unlabelled ?? InitUnlabelled();
        }

        if (_lookup.TryGetValue(new TagSpan(tags), out var cell))
        {
            return cell;
        }

        return AddSeries(tags);
    }

    private object InitUnlabelled()
    {
        Interlocked.CompareExchange(ref _unlabelled, NewCell(), null);
        return _unlabelled!;
    }

    private object? AddSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.Count >= MaxSeries)
        {
            SeriesLimitReached?.Invoke(this);
            return null;
        }

        return _series.GetOrAdd(LabelSet.Create(tags), NewCell());
    }

    private object NewCell() => Kind == MetricKind.Histogram ? new HistogramCell(Bounds.Length) : new ScalarCell();

    /// <summary>Drops observed values before observable callbacks run again.</summary>
    public void ClearObservations()
    {
        _series.Clear();
        _unlabelled = null;
    }

    /// <summary>Every series with its labels; the unlabelled series (if any) first.</summary>
    public IEnumerable<KeyValuePair<LabelSet, object>> Series()
    {
        if (_unlabelled is { } unlabelled)
        {
            yield return new(LabelSet.Empty, unlabelled);
        }

        foreach (var pair in _series)
        {
            yield return pair;
        }
    }

    public bool HasSeries => _unlabelled is not null || !_series.IsEmpty;
}
