namespace Crossroads.Hosting.Metrics;

/// <summary>
/// The value of one counter or gauge series. Integer measurements go to a <see cref="long"/> with
/// <see cref="Interlocked.Add(ref long, long)"/>; floating ones to a <see cref="double"/> with a compare-exchange loop.
/// Both are lock-free; the exported value is their sum.
/// </summary>
internal sealed class ScalarCell
{
    private long _integral;
    private double _floating;

    public double Value => Volatile.Read(ref _integral) + Volatile.Read(ref _floating);

    public void Add(long value) => Interlocked.Add(ref _integral, value);

    public void Add(double value)
    {
        var current = Volatile.Read(ref _floating);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _floating, current + value, current);
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Gauges and observable instruments report absolute values.</summary>
    public void Set(long value)
    {
        Volatile.Write(ref _floating, 0);
        Volatile.Write(ref _integral, value);
    }

    public void Set(double value)
    {
        Volatile.Write(ref _integral, 0);
        Volatile.Write(ref _floating, value);
    }
}
