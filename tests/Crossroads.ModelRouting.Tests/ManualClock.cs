namespace Crossroads.ModelRouting.Tests;

/// <summary>Virtual time: <see cref="Advance"/> moves both the wall clock and the timestamps.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks;

    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by)
    {
        Now += by;
        Interlocked.Add(ref _ticks, by.Ticks);
    }
}
