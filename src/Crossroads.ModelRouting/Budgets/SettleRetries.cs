using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.ModelRouting.Budgets;

/// <summary>
/// Settles the spend store could not take (database down, connection broken), tried again in the background, oldest
/// first, until the store takes them: the spend of a request that was served during an outage is booked when the
/// store is back, not dropped. Retrying is safe because a store settles each reservation at most once (see
/// <see cref="ISpendStore.SettleAsync"/>): a first attempt that committed but lost its answer makes the retry a no-op.
/// <para>
/// The queue lives in this process: at shutdown <see cref="DisposeAsync(TimeSpan)"/> tries once more, and what is still pending
/// then, or what overflows <c>capacity</c> (oldest first), is counted in <see cref="Abandoned"/> and not booked.
/// </para>
/// </summary>
internal sealed class SettleRetries : IAsyncDisposable
{
    private readonly Func<PendingSettle, CancellationToken, Task> _settle;
    private readonly Action _failed;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstDelay;
    private readonly TimeSpan _maxDelay;
    private readonly int _capacity;
    private readonly LinkedList<PendingSettle> _queue = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private bool _running;
    private bool _disposed;
    private long _abandoned;

    /// <param name="settle">One attempt; throws <see cref="SpendStoreUnavailableException"/> or <see cref="OperationCanceledException"/> when the store did not take it.</param>
    /// <param name="failed">Called after each failed attempt (for the failure counter).</param>
    /// <param name="time">The clock the waits between attempts run on.</param>
    /// <param name="firstDelay">The wait before the first retry; it doubles after each failed round, up to <paramref name="maxDelay"/>.</param>
    /// <param name="maxDelay">The longest wait between two rounds.</param>
    /// <param name="capacity">The most settles kept; beyond it the oldest is abandoned.</param>
    public SettleRetries(Func<PendingSettle, CancellationToken, Task> settle, Action failed, TimeProvider time, TimeSpan firstDelay, TimeSpan maxDelay, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, firstDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _settle = settle;
        _failed = failed;
        _time = time;
        _firstDelay = firstDelay;
        _maxDelay = maxDelay;
        _capacity = capacity;
    }

    /// <summary>Settles waiting for the store.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Settles given up (queue full, or still pending at shutdown): their spend was not booked.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>Queues <paramref name="settle"/> and starts the retry loop if it is not running.</summary>
    public void Add(PendingSettle settle)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                Interlocked.Increment(ref _abandoned);
                return;
            }

            if (_queue.Count >= _capacity)
            {
                _queue.RemoveFirst();
                Interlocked.Increment(ref _abandoned);
            }

            _queue.AddLast(settle);
            if (!_running)
            {
                _running = true;
                _loop = Task.Run(RunAsync);
            }
        }
    }

    /// <summary>Stops the loop, tries every pending settle once more (for at most <paramref name="grace"/>), and abandons the rest.</summary>
    public async ValueTask DisposeAsync(TimeSpan grace)
    {
        Task loop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        using (var last = new CancellationTokenSource(grace))
        {
            await DrainAsync(last.Token).ConfigureAwait(false);
        }

        lock (_gate)
        {
            Interlocked.Add(ref _abandoned, _queue.Count);
            _queue.Clear();
        }

        _stopping.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DisposeAsync(TimeSpan.FromSeconds(5));

    private async Task RunAsync()
    {
        var delay = _firstDelay;
        while (true)
        {
            try
            {
                await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // disposing: DisposeAsync makes the last attempt
            }

            if (await DrainAsync(_stopping.Token).ConfigureAwait(false))
            {
                return;
            }

            delay = delay * 2 < _maxDelay ? delay * 2 : _maxDelay;
        }
    }

    /// <summary>Settles queued settles in order until one fails; true when the queue is empty (and the loop marked stopped).</summary>
    private async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            LinkedListNode<PendingSettle>? next;
            lock (_gate)
            {
                next = _queue.First;
                if (next is null)
                {
                    _running = false;
                    return true;
                }
            }

            try
            {
                await _settle(next.Value, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Store down (the expected case) or anything else: the loop must outlive it and try again later.
            catch (Exception)
#pragma warning restore CA1031
            {
                _failed();
                return false;
            }

            lock (_gate)
            {
                // Not there any more when Add dropped it for room meanwhile (it was settled all the same).
                if (next.List is not null)
                {
                    _queue.Remove(next);
                }
            }
        }
    }
}
