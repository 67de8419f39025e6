namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// The times of an upstream's last <c>capacity</c> retryable failures, to tell whether that many fell within a sliding
/// window. Only the newest <c>capacity</c> matter (an older one cannot be inside the window if a newer
/// <c>capacity</c>-th is not), so a ring of that size answers exactly, in constant memory and time. Not thread-safe:
/// the owner's lock guards it.
/// </summary>
internal sealed class FailureWindow(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;
    private int _next;

    /// <summary>Records a failure at <paramref name="now"/>; true when the window now holds <c>capacity</c> failures no older than <paramref name="window"/>.</summary>
    public bool RecordAndCheck(DateTimeOffset now, TimeSpan window)
    {
        _ticks[_next] = now.UtcTicks;
        _next = (_next + 1) % _ticks.Length;
        _count = Math.Min(_count + 1, _ticks.Length);
        // Full, the oldest kept failure is the slot about to be overwritten next.
        return _count == _ticks.Length && now.UtcTicks - _ticks[_next] <= window.Ticks;
    }

    /// <summary>Forgets every failure (the breaker opened on them, or a probe proved the upstream healthy).</summary>
    public void Clear()
    {
        _count = 0;
        _next = 0;
    }
}
