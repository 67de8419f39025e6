using System.Diagnostics.Metrics;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>
/// The relay's instruments on the <see cref="MeterName"/> meter, and the counters behind <see cref="OutboxRelayStatus"/>
/// (kept here too, because a health check reads numbers, not a metrics pipeline).
/// </summary>
internal sealed class OutboxRelayMetrics : IDisposable
{
    /// <summary>The ServiceRoutes module's meter.</summary>
    public const string MeterName = "Crossroads.ServiceRoutes";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failures;
    private readonly Lock _errorLock = new();
    private long _deliveredTotal;
    private long _failuresTotal;
    private int _consecutiveFailures;
    private long _lastRevision;
    private int _leader;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;

    public OutboxRelayMetrics(IMeterFactory? meterFactory)
    {
        // From the host's factory when there is one (its meters are the ones the exporter listens to); a meter of our
        // own otherwise, disposed with the relay.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _delivered = _meter.CreateCounter<long>("crossroads.service_routes.events.delivered", "{event}", "Outbox events delivered to every sink and acknowledged.");
        _failures = _meter.CreateCounter<long>("crossroads.service_routes.events.delivery_failures", "{attempt}", "Failed outbox delivery attempts (each is retried).");
        _meter.CreateObservableGauge("crossroads.service_routes.events.leader", () => Volatile.Read(ref _leader), "{relay}", "1 while this replica's relay delivers events, else 0.");
        _meter.CreateObservableGauge("crossroads.service_routes.events.last_revision", () => Interlocked.Read(ref _lastRevision), "{revision}", "The highest revision this relay delivered.");
        _meter.CreateObservableGauge("crossroads.service_routes.events.consecutive_failures", () => Volatile.Read(ref _consecutiveFailures), "{attempt}", "Failed attempts since the last successful delivery.");
    }

    public void Leader(bool isLeader) => Volatile.Write(ref _leader, isLeader ? 1 : 0);

    public void Delivered(int count, long lastRevision)
    {
        _delivered.Add(count);
        Interlocked.Add(ref _deliveredTotal, count);
        Interlocked.Exchange(ref _lastRevision, Math.Max(Interlocked.Read(ref _lastRevision), lastRevision));
        Volatile.Write(ref _consecutiveFailures, 0);
    }

    /// <summary>Nothing to deliver: the relay is healthy again even if it had failed (e.g. the store came back empty).</summary>
    public void Idle() => Volatile.Write(ref _consecutiveFailures, 0);

    /// <summary>Counts a failure; returns how many happened in a row.</summary>
    public int Failed(Exception exception, string sink, DateTimeOffset now)
    {
        _failures.Add(1, new KeyValuePair<string, object?>("sink", sink));
        Interlocked.Increment(ref _failuresTotal);
        lock (_errorLock)
        {
            _lastError = exception.Message;
            _lastErrorAt = now;
        }

        return Interlocked.Increment(ref _consecutiveFailures);
    }

    public OutboxRelayStatus Snapshot()
    {
        lock (_errorLock)
        {
            return new OutboxRelayStatus(
                Volatile.Read(ref _leader) == 1,
                Interlocked.Read(ref _deliveredTotal),
                Interlocked.Read(ref _failuresTotal),
                Volatile.Read(ref _consecutiveFailures),
                Interlocked.Read(ref _lastRevision),
                _lastError,
                _lastErrorAt);
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
