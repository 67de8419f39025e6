using System.Diagnostics.Metrics;
using System.Numerics;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// The counts behind <c>routing_lookups_total</c>, read when metrics are collected. A lookup adds one to its
/// processor's stripe (an interlocked add on a cache line other processors rarely write) instead of calling
/// <c>Counter&lt;long&gt;.Add</c>, which on every lookup hands the measurement to each listener and looks up the
/// series of its <c>status</c> tag in the listener's aggregator. Every outcome is reported from the start, at 0 until
/// it first happens.
/// </summary>
public sealed class LookupCounts
{
    private const int Outcomes = 3;

    // Longs per stripe: 64 bytes, so two stripes never share a cache line; stripe 0 is left unused so the first one
    // used does not share a line with the array's header.
    private const int Stride = 8;

    private static readonly KeyValuePair<string, object?>[][] Tags =
    [
        [new("status", "success")],
        [new("status", "not_found")],
        [new("status", "invalid")],
    ];

    private readonly long[] _counts;
    private readonly int _mask;

    /// <summary>One stripe per processor (rounded up to a power of two).</summary>
    public LookupCounts()
    {
        int stripes = (int)BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount);
        _mask = stripes - 1;
        _counts = new long[(stripes + 1) * Stride];
    }

    /// <summary>Adds <paramref name="count"/> lookups with <paramref name="outcome"/>.</summary>
    public void Add(LookupOutcome outcome, long count) =>
        Interlocked.Add(ref _counts[(((Thread.GetCurrentProcessorId() & _mask) + 1) * Stride) + (int)outcome], count);

    /// <summary>The lookups with <paramref name="outcome"/> so far, over all stripes.</summary>
    public long Total(LookupOutcome outcome)
    {
        long total = 0;
        for (int i = Stride + (int)outcome; i < _counts.Length; i += Stride)
        {
            total += Volatile.Read(ref _counts[i]);
        }

        return total;
    }

    /// <summary>One measurement per outcome, for the observable counter.</summary>
    public Measurement<long>[] Measure()
    {
        var measurements = new Measurement<long>[Outcomes];
        for (int outcome = 0; outcome < Outcomes; outcome++)
        {
            measurements[outcome] = new Measurement<long>(Total((LookupOutcome)outcome), Tags[outcome]);
        }

        return measurements;
    }
}
