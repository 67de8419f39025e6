namespace Crossroads.Hosting.Tests.Infrastructure;

/// <summary>Virtual time for timestamp-based code: starts at an arbitrary value and moves only when told.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _timestamp = 1_000_000_000;

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _timestamp, (long)(by.TotalSeconds * TimestampFrequency));
}
