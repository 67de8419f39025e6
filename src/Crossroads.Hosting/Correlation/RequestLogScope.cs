using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

namespace Crossroads.Hosting.Correlation;

/// <summary>
/// The per-request logging scope: <c>RequestId</c>, <c>TraceId</c> and <c>SpanId</c>. A list rather than a dictionary
/// so the JSON console formatter enumerates it without allocating. Also set as a request feature, so problem answers
/// carry the same trace id as the request's log lines.
/// <para>
/// When something listens to ASP.NET Core's activity source (OpenTelemetry export), the request activity supplies the
/// ids. Otherwise no activity is created per request (it cost ~2.5 % of a lookup's CPU and ~450 bytes): the trace id
/// is taken from a valid W3C <c>traceparent</c> header, or made up, and the span id made up, only when a log line or
/// a problem first asks for them; both then stay fixed for the request.
/// </para>
/// <para>
/// It is also the request's <see cref="IStatusCodePagesFeature"/> (what <see cref="FrontMiddleware"/> reads to decide
/// whether an empty error answer gets a problem), and its own node in the logging scope chain: one object per request
/// instead of three.
/// </para>
/// </summary>
internal sealed class RequestLogScope(string requestId, Activity? activity, string? traceParent) : LogScopeNode, IReadOnlyList<KeyValuePair<string, object?>>, IStatusCodePagesFeature
{
    private string? _traceId;
    private string? _spanId;

    /// <summary>Whether an empty error answer gets a problem body (<see cref="IStatusCodePagesFeature.Enabled"/>); on by default.</summary>
    public bool Enabled { get; set; } = true;

    public string RequestId => requestId;

    /// <summary>Log providers are given the scope itself (see <see cref="RequestScopeProvider"/>).</summary>
    public override object? State => this;

    public string TraceId => activity is not null ? activity.TraceId.ToHexString() : _traceId ?? InitTraceId();

    public string SpanId => activity is not null ? activity.SpanId.ToHexString() : _spanId ?? InitSpanId();

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", requestId),
        1 => new("TraceId", TraceId),
        2 => new("SpanId", SpanId),
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

    public override string ToString() => $"RequestId:{requestId} TraceId:{TraceId}";

    /// <summary>Places the scope inside <paramref name="parent"/>, the scope current when the request entered (<see cref="RequestScopeProvider.Enter"/>).</summary>
    internal void Open(LogScopeNode? parent) => Parent = parent;

    // Lines of one request may be logged from several threads at once: the first id published wins.
    private string InitTraceId()
    {
        var id = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? parent.TraceId.ToHexString()
            : ActivityTraceId.CreateRandom().ToHexString();
        return Interlocked.CompareExchange(ref _traceId, id, null) ?? id;
    }

    private string InitSpanId()
    {
        var id = ActivitySpanId.CreateRandom().ToHexString();
        return Interlocked.CompareExchange(ref _spanId, id, null) ?? id;
    }
}
