using System.Collections.Concurrent;

namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// The last 128 whole-answer latencies of each model, for the observed p95 the SLO check uses, and an exponentially
/// weighted moving average (weight <see cref="EwmaAlpha"/> on the newest answer) that <c>lowest_latency</c> ranks by:
/// it follows a model that got slower within a few answers, where a p95 over 128 would lag.
/// </summary>
public sealed class LatencyTracker
{
    private const int Window = 128;

    /// <summary>Weight of the newest answer in the moving average.</summary>
    public const double EwmaAlpha = 0.3;

    private readonly ConcurrentDictionary<string, Ring> _models = new(StringComparer.Ordinal);

    /// <summary>Records a successful answer's latency.</summary>
    public void Record(string model, double milliseconds) => _models.GetOrAdd(model, static _ => new Ring()).Add(milliseconds);

    /// <summary>The observed 95th percentile and the number of samples it is based on (0: none).</summary>
    public (double P95, int Samples) P95(string model) => _models.TryGetValue(model, out var ring) ? ring.P95() : (0, 0);

    /// <summary>The moving average latency and the number of answers seen (0: none, and the average is 0).</summary>
    public (double Ewma, long Samples) Ewma(string model) => _models.TryGetValue(model, out var ring) ? ring.Ewma() : (0, 0);

    private sealed class Ring
    {
        private readonly double[] _values = new double[Window];
        private readonly Lock _lock = new();
        private int _count;
        private int _next;
        private double _ewma;
        private long _seen;

        public void Add(double value)
        {
            lock (_lock)
            {
                _values[_next] = value;
                _next = (_next + 1) % Window;
                _count = Math.Min(_count + 1, Window);
                _ewma = _seen == 0 ? value : (EwmaAlpha * value) + ((1 - EwmaAlpha) * _ewma);
                _seen++;
            }
        }

        public (double, long) Ewma()
        {
            lock (_lock)
            {
                return (_ewma, _seen);
            }
        }

        public (double, int) P95()
        {
            Span<double> copy = stackalloc double[Window];
            int count;
            lock (_lock)
            {
                count = _count;
                _values.AsSpan(0, count).CopyTo(copy);
            }

            if (count == 0)
            {
                return (0, 0);
            }

            // The sorted window's element at index ceil(0.95 n) - 1 is its k-th largest, k = n - index (7 of 128).
            int index = (int)Math.Ceiling(0.95 * count) - 1;
            return (KthLargest(copy[..count], count - index), count);
        }
    }

    /// <summary>
    /// The <paramref name="k"/>-th largest of <paramref name="values"/> counting duplicates, NaN below every number (as
    /// the ascending sort it replaces orders them): one pass keeping the k largest so far in a small sorted buffer. The
    /// planner asks for every candidate's p95 on every request, and sorting the 128 samples each time was ~1 % of the
    /// router's CPU at one request at a time; with k ≤ 7 most samples cost one comparison.
    /// </summary>
    internal static double KthLargest(ReadOnlySpan<double> values, int k)
    {
        Span<double> top = stackalloc double[k]; // descending
        int filled = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v) || (filled == k && v <= top[k - 1]))
            {
                continue;
            }

            int i = filled < k ? filled++ : k - 1;
            while (i > 0 && top[i - 1] < v)
            {
                top[i] = top[i - 1];
                i--;
            }

            top[i] = v;
        }

        // Fewer than k numbers: the k-th largest is one of the NaNs the sort put at the bottom.
        return filled == k ? top[k - 1] : double.NaN;
    }
}
