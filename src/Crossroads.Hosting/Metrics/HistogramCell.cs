namespace Crossroads.Hosting.Metrics;

/// <summary>
/// One histogram series: a non-cumulative count per bucket (last slot is +Inf) updated with
/// <see cref="Interlocked.Increment(ref long)"/>, plus a lock-free sum. The exporter accumulates buckets and derives
/// the count from them, so <c>_count</c> always equals the <c>+Inf</c> bucket even while recording continues.
/// </summary>
internal sealed class HistogramCell(int boundCount)
{
    private readonly long[] _counts = new long[boundCount + 1];
    private double _sum;

    public void Record(double value, double[] bounds)
    {
        // Prometheus buckets are "less than or equal"; bucket lists are short, so a linear scan beats binary search.
        var index = 0;
        while (index < bounds.Length && value > bounds[index])
        {
            index++;
        }

        Interlocked.Increment(ref _counts[index]);
        var current = Volatile.Read(ref _sum);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _sum, current + value, current);
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }

    public double Sum => Volatile.Read(ref _sum);

    public void CopyCounts(Span<long> destination)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            destination[i] = Volatile.Read(ref _counts[i]);
        }
    }

    public int SlotCount => _counts.Length;
}
