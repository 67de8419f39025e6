using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>
/// Publishes the store's transactional outbox: claims a batch of undelivered messages (lowest revision first), hands
/// it to every sink in turn (each delivers in revision order and returns once its target confirmed), and only then
/// marks the batch delivered. A failure keeps the batch in hand and retries exactly it after an exponential backoff,
/// so nothing later can overtake it; delivery is therefore at least once and in revision order.
/// </summary>
/// <remarks>
/// <para>Only the leader delivers (<see cref="IRelayLeadership"/>): on PostgreSQL one replica at a time, elected by an
/// advisory lock; the others retry every <see cref="ServiceRouteEventsOptions.LeaderRetryInterval"/> and take over when
/// the leader's session ends. A new leader first releases the claims its predecessor left (<see cref="OutboxMaintenance"/>),
/// so those messages go out before later ones.</para>
/// <para>The relay polls every <see cref="ServiceRouteEventsOptions.PollInterval"/>; <see cref="Wake"/> (called by the
/// server after each committed write) makes it look at once. It owns the sinks, the leadership and the meter it was
/// given and disposes them.</para>
/// </remarks>
public sealed class OutboxRelay : IAsyncDisposable
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    private readonly IServiceRouteStore _store;
    private readonly IReadOnlyList<IEventSink> _sinks;
    private readonly ServiceRouteEventsOptions _options;
    private readonly IRelayLeadership _leadership;
    private readonly OutboxMaintenance? _maintenance;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OutboxRelayMetrics _metrics;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;
    private int _running;

    /// <summary>
    /// A relay over <paramref name="sinks"/>. <paramref name="maintenance"/> (optional) releases a predecessor's claims
    /// and purges delivered messages; without it, a dead relay's claims are retried when their lease runs out.
    /// </summary>
    public OutboxRelay(
        IServiceRouteStore store,
        IEnumerable<IEventSink> sinks,
        ServiceRouteEventsOptions options,
        IRelayLeadership leadership,
        OutboxMaintenance? maintenance = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(leadership);
        _store = store;
        _sinks = [.. sinks];
        if (_sinks.Count == 0)
        {
            // A relay without sinks would mark every message delivered having sent it nowhere.
            throw new ArgumentException("the relay needs at least one sink (configure RabbitMq:Uri or a webhook)", nameof(sinks));
        }

        _options = options;
        _leadership = leadership;
        _maintenance = maintenance;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new OutboxRelayMetrics(meterFactory);
    }

    /// <summary>
    /// The relay the server runs for <paramref name="options"/>: a <see cref="RabbitMqEventSink"/> when RabbitMQ is
    /// configured, then one <see cref="WebhookEventSink"/> per webhook; PostgreSQL leadership and maintenance when
    /// <paramref name="storeOptions"/> name a connection string, single-node otherwise.
    /// </summary>
    public static OutboxRelay Create(
        IServiceRouteStore store,
        ServiceRouteStoreOptions storeOptions,
        ServiceRouteEventsOptions options,
        HttpClient? http = null,
        IMeterFactory? meterFactory = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(storeOptions);
        ArgumentNullException.ThrowIfNull(options);
        var sinks = new List<IEventSink>();
        if (options.RabbitMq.IsEnabled)
        {
            sinks.Add(new RabbitMqEventSink(options.RabbitMq));
        }

        sinks.AddRange(options.Webhooks.Select(target => new WebhookEventSink(target, http, storeOptions.TimeProvider)));
        IRelayLeadership leadership = string.IsNullOrWhiteSpace(storeOptions.ConnectionString)
            ? new SingleNodeLeadership()
            : new PostgresRelayLeadership(storeOptions.ConnectionString);
        return new OutboxRelay(store, sinks, options, leadership, OutboxMaintenance.For(storeOptions), storeOptions.TimeProvider, meterFactory, logger);
    }

    /// <summary>The names of the sinks, in delivery order.</summary>
    public IReadOnlyList<string> SinkNames => [.. _sinks.Select(s => s.Name)];

    /// <summary>Counters and the last error, for health checks.</summary>
    public OutboxRelayStatus Status => _metrics.Snapshot();

    /// <summary>Makes the relay look for messages now instead of at its next poll (cheap; call after every write).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the next look covers this write too.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while a write finished: nothing left to wake.
        }
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (it then returns normally). Call once.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("the relay is already running");
        }

        EventRelayLog.Started(_logger, string.Join(", ", SinkNames));
        bool leading = false;
        IReadOnlyList<OutboxMessage>? held = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan wait;
                bool wakeable = false;
                string step = "outbox";
                try
                {
                    step = "leadership";
                    bool leader = await _leadership.EnsureAsync(cancellationToken).ConfigureAwait(false);
                    if (leader != leading)
                    {
                        held = null;
                        if (leader)
                        {
                            int released = _maintenance is null ? 0 : await _maintenance.ReleaseClaimsAsync(cancellationToken).ConfigureAwait(false);
                            EventRelayLog.BecameLeader(_logger, released);
                        }
                        else
                        {
                            EventRelayLog.NotLeader(_logger);
                        }

                        leading = leader;
                        _metrics.Leader(leader);
                    }

                    if (!leader)
                    {
                        _metrics.Idle();
                        await DelayAsync(_options.LeaderRetryInterval, wakeable: false, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    await PurgeIfDueAsync(cancellationToken).ConfigureAwait(false);
                    step = "outbox";
                    held ??= await _store.ClaimUndeliveredAsync(_options.BatchSize, _options.Lease, cancellationToken).ConfigureAwait(false);
                    if (held.Count == 0)
                    {
                        held = null;
                        _metrics.Idle();
                        wait = _options.PollInterval;
                        wakeable = true;
                    }
                    else
                    {
                        foreach (var sink in _sinks)
                        {
                            step = sink.Name;
                            await sink.DeliverAsync(held, cancellationToken).ConfigureAwait(false);
                        }

                        step = "outbox";
                        await _store.MarkDeliveredAsync([.. held.Select(m => m.EventId)], cancellationToken).ConfigureAwait(false);
                        _metrics.Delivered(held.Count, held[^1].Revision);
                        EventRelayLog.Delivered(_logger, held.Count, held[0].Revision, held[^1].Revision);
                        held = null;
                        continue; // a full batch suggests more are waiting
                    }
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    int failures = _metrics.Failed(e, step, _time.GetUtcNow());
                    wait = Backoff(failures);
                    if (step == "leadership")
                    {
                        // The leadership check failed, so it is lost: let the next leader (maybe us) start afresh.
                        held = null;
                        leading = false;
                        _metrics.Leader(false);
                    }

                    if (held is { Count: > 0 } && step != "outbox")
                    {
                        EventRelayLog.DeliveryFailed(_logger, e, step, held.Count, held[0].Revision, failures, (long)wait.TotalMilliseconds);
                    }
                    else
                    {
                        EventRelayLog.RelayStepFailed(_logger, e, failures, (long)wait.TotalMilliseconds);
                    }
                }

                // A wake-up cuts a poll short, never a backoff: writes must not hammer a target that is down.
                await DelayAsync(wait, wakeable, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping. A batch in hand stays claimed until its lease ends (or the next leader releases it).
        }
        finally
        {
            _metrics.Leader(false);
            Volatile.Write(ref _running, 0);
            EventRelayLog.Stopped(_logger, _metrics.Snapshot().Delivered);
        }
    }

    /// <summary>Disposes the sinks and the leadership (ending a PostgreSQL leader's session releases its lock). Stop <see cref="RunAsync"/> first.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }

        await _leadership.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        _wake.Dispose();
    }

    /// <summary>Exponential: RetryDelay × 2^(failures−1), capped at MaxRetryDelay, with ±20 % jitter so replicas and targets do not retry in step.</summary>
    private TimeSpan Backoff(int failures)
    {
        double exponential = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        double capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
#pragma warning disable CA5394 // jitter, not security
        double jittered = capped * (0.8 + (0.4 * Random.Shared.NextDouble()));
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(Math.Min(jittered, _options.MaxRetryDelay.TotalMilliseconds));
    }

    private async Task DelayAsync(TimeSpan wait, bool wakeable, CancellationToken cancellationToken)
    {
        if (wakeable)
        {
            await _wake.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_options.RetainDelivered <= TimeSpan.Zero || now < _nextPurge)
        {
            return;
        }

        _nextPurge = now + PurgeInterval;
        var cutoff = now - _options.RetainDelivered;
        try
        {
            int purged = await _store.PurgeDeliveredEventsAsync(cutoff, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                EventRelayLog.Purged(_logger, purged, cutoff);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Retention is housekeeping: a failure must not stop delivery; the next minute tries again.
            EventRelayLog.PurgeFailed(_logger, e);
        }
    }
}
