namespace Crossroads.Hosting.Metrics;

/// <summary>The tags of one measurement, used as an alternate dictionary key so finding an existing series allocates nothing.</summary>
internal readonly ref struct TagSpan(ReadOnlySpan<KeyValuePair<string, object?>> tags)
{
    public ReadOnlySpan<KeyValuePair<string, object?>> Tags { get; } = tags;
}
