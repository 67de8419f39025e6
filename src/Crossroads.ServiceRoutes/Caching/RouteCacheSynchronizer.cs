using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crossroads.ServiceRoutes.Caching;

/// <summary>
/// Keeps a <see cref="RouteCache"/> equal to the store: loads it once (<see cref="WarmAsync"/>), then applies the
/// gap-free change feed from the last revision applied whenever it is told a change happened (<see cref="Signal"/>:
/// this replica's writes, PostgreSQL notifications) and, as the safety net, whenever a cheap revision check every
/// <see cref="PollInterval"/> finds the store ahead. It also tells whether the store answered lately, so resolves
/// can say their answer may be stale.
/// </summary>
/// <remarks>
/// Only this class advances <see cref="Revision"/>, and only through consecutive changes: a write applied to the cache
/// directly by the replica that made it does not move it, so another replica's change with a lower revision is never
/// skipped.
/// </remarks>
public sealed class RouteCacheSynchronizer
{
    private const int FeedBatch = 1000;

    private readonly IServiceRouteStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource _advanced = NewSignal();
    private long _revision;
    private long _lastContactTicks;
    private volatile bool _reachable = true;

    /// <summary>Creates a synchronizer of <paramref name="cache"/> from <paramref name="store"/>.</summary>
    public RouteCacheSynchronizer(IServiceRouteStore store, RouteCache cache, TimeSpan pollInterval, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        _store = store;
        Cache = cache;
        PollInterval = pollInterval;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _lastContactTicks = _time.GetUtcNow().UtcTicks;
    }

    /// <summary>The cache kept in step.</summary>
    public RouteCache Cache { get; }

    /// <summary>How often the store's revision is checked when nothing signalled a change.</summary>
    public TimeSpan PollInterval { get; }

    /// <summary>The revision up to which every change has been applied.</summary>
    public long Revision => Volatile.Read(ref _revision);

    /// <summary>Whether the last round trip to the store succeeded.</summary>
    public bool StoreReachable => _reachable;

    /// <summary>When the store last answered (the cache was known to be current then).</summary>
    public DateTimeOffset LastContact => new(Volatile.Read(ref _lastContactTicks), TimeSpan.Zero);

    /// <summary>Loads every route and split, then the changes committed meanwhile.</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        // The revision first: whatever the snapshot misses after it, the feed from it brings.
        long revision = await _store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var route in _store.LoadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Cache.Apply(route);
        }

        await foreach (var split in _store.LoadAllSplitsAsync(cancellationToken).ConfigureAwait(false))
        {
            Cache.Apply(split);
        }

        Advance(revision);
        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies every change after <see cref="Revision"/>; concurrent calls run one after the other.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _catchUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var changes = await _store.ChangesSinceAsync(Revision, FeedBatch, cancellationToken).ConfigureAwait(false);
                MarkReachable();
                foreach (var change in changes)
                {
                    Cache.Apply(change);
                }

                if (changes.Count > 0)
                {
                    Advance(changes[^1].Revision);
                }

                if (changes.Count < FeedBatch)
                {
                    return;
                }
            }
        }
        finally
        {
            _catchUp.Release();
        }
    }

    /// <summary>Says a change may have been committed (a notification, a reconnect): the loop catches up at once.</summary>
    public void Signal() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// This replica committed the change of <paramref name="revision"/> and applied it to the cache itself. When it
    /// directly follows <see cref="Revision"/>, the revision advances without reading the change back from the store
    /// (a replica that is the only writer then never re-reads its own writes); otherwise another replica's changes
    /// come between, and the loop catches up.
    /// </summary>
    public void AppliedLocally(long revision)
    {
        if (Interlocked.CompareExchange(ref _revision, revision, revision - 1) == revision - 1)
        {
            Interlocked.Exchange(ref _advanced, NewSignal()).TrySetResult();
        }
        else if (revision > Revision)
        {
            Signal();
        }
    }

    /// <summary>Records a failed round trip to the store (made by anyone): resolves now report staleness.</summary>
    public void MarkUnreachable(Exception failure)
    {
        if (_reachable)
        {
            _reachable = false;
            CacheLog.StoreUnreachable(_logger, failure.Message);
        }
    }

    /// <summary>Records a successful round trip to the store.</summary>
    public void MarkReachable()
    {
        Volatile.Write(ref _lastContactTicks, _time.GetUtcNow().UtcTicks);
        if (!_reachable)
        {
            _reachable = true;
            CacheLog.StoreReachable(_logger);
        }
    }

    /// <summary>
    /// Waits until <see cref="Revision"/> is above <paramref name="revision"/> or <paramref name="timeout"/> passes;
    /// true when it is.
    /// </summary>
    public async Task<bool> WaitForRevisionAboveAsync(long revision, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (Revision <= revision)
        {
            var advanced = Volatile.Read(ref _advanced).Task;
            if (Revision > revision)
            {
                break;
            }

            try
            {
                await advanced.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Revision > revision;
            }
        }

        return true;
    }

    /// <summary>
    /// Turns the store's change signals (PostgreSQL notifications, local commits, catch-up after a reconnect) into
    /// immediate catch-ups, until cancelled (then returns). Run beside <see cref="RunAsync"/>.
    /// </summary>
    public async Task ListenAsync(IServiceRouteChangeListener listener, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        try
        {
            await foreach (var signal in listener.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (signal.CatchUp || signal.Revision > Revision)
                {
                    Signal();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutdown
        }
    }

    /// <summary>Runs until cancelled (then returns): catches up when signalled, and checks the store's revision every <see cref="PollInterval"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using (var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                poll.CancelAfter(PollInterval);
                try
                {
                    await _wake.Reader.ReadAsync(poll.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    // The poll interval passed without a signal: check the revision (one indexed single-row read).
                }
            }

            try
            {
                long current = await _store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false);
                MarkReachable();
                if (current > Revision)
                {
                    await CatchUpAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (StoreUnavailableException e)
            {
                MarkUnreachable(e);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Advance(long revision)
    {
        // Monotonic: a catch-up that read up to N must not undo a local advance past N made meanwhile.
        long current;
        do
        {
            current = Volatile.Read(ref _revision);
            if (revision <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _revision, revision, current) != current);

        Interlocked.Exchange(ref _advanced, NewSignal()).TrySetResult();
    }
}
