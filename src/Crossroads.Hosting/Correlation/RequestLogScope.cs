using System.Collections;

namespace Crossroads.Hosting.Correlation;

/// <summary>
/// The per-request logging scope: <c>RequestId</c>, <c>TraceId</c> and <c>SpanId</c>. A list rather than a dictionary
/// so the JSON console formatter enumerates it without allocating.
/// </summary>
internal sealed class RequestLogScope(string requestId, string? traceId, string? spanId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", requestId),
        1 => new("TraceId", traceId),
        2 => new("SpanId", spanId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RequestId:{requestId} TraceId:{traceId}";
}
