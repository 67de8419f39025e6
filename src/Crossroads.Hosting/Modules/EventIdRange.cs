namespace Crossroads.Hosting;

/// <summary>An inclusive range of log event ids owned by one module (alerting rules match on ids, so ranges never move).</summary>
/// <param name="First">First id of the range.</param>
/// <param name="Last">Last id of the range.</param>
public readonly record struct EventIdRange(int First, int Last)
{
    /// <summary>True when <paramref name="eventId"/> lies in the range.</summary>
    public bool Contains(int eventId) => eventId >= First && eventId <= Last;

    /// <summary>True when the two ranges share an id.</summary>
    public bool Overlaps(EventIdRange other) => First <= other.Last && other.First <= Last;

    /// <inheritdoc />
    public override string ToString() => $"{First}-{Last}";
}
