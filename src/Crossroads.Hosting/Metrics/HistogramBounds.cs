using System.Diagnostics.Metrics;

namespace Crossroads.Hosting.Metrics;

/// <summary>Bucket boundaries for a histogram: the instrument's advice if given, else defaults that suit its unit.</summary>
internal static class HistogramBounds
{
    /// <summary>Prometheus client defaults, in seconds: used for instruments with unit <c>s</c> or a name ending in <c>_seconds</c>.</summary>
    private static readonly double[] Seconds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>OpenTelemetry SDK defaults, for everything else (typically milliseconds or sizes).</summary>
    private static readonly double[] Generic = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    public static double[] For(Instrument instrument)
    {
        var advised = instrument switch
        {
            Histogram<double> h => Convert(h.Advice?.HistogramBucketBoundaries, static v => v),
            Histogram<float> h => Convert(h.Advice?.HistogramBucketBoundaries, static v => v),
            Histogram<long> h => Convert(h.Advice?.HistogramBucketBoundaries, static v => v),
            Histogram<int> h => Convert(h.Advice?.HistogramBucketBoundaries, static v => v),
            Histogram<short> h => Convert(h.Advice?.HistogramBucketBoundaries, static v => v),
            Histogram<byte> h => Convert(h.Advice?.HistogramBucketBoundaries, static v => v),
            Histogram<decimal> h => Convert(h.Advice?.HistogramBucketBoundaries, static v => (double)v),
            _ => null,
        };
        if (advised is { Length: > 0 })
        {
            return advised;
        }

        return instrument.Unit == "s" || instrument.Name.EndsWith("_seconds", StringComparison.Ordinal) ? Seconds : Generic;
    }

    private static double[]? Convert<T>(IReadOnlyList<T>? bounds, Func<T, double> toDouble)
    {
        if (bounds is null)
        {
            return null;
        }

        // Advice is validated ascending by the runtime; +Inf is implicit in the exposition, so drop it if given.
        return bounds.Select(toDouble).Where(static b => !double.IsPositiveInfinity(b) && !double.IsNaN(b)).Distinct().Order().ToArray();
    }
}
