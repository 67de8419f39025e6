namespace Crossroads.ModelRouting.Tests;

/// <summary>A clock that moves only when told: breakers and Retry-After are tested without waiting.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
