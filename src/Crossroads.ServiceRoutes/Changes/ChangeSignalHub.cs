namespace Crossroads.ServiceRoutes.Changes;

/// <summary>The listeners of one store instance, signalled after each local commit that changed something.</summary>
internal sealed class ChangeSignalHub
{
    private readonly Lock _gate = new();

    // Copied on change, read without the lock: listeners come and go rarely, commits are frequent.
    private ChangeListener[] _listeners = [];

    public void Add(ChangeListener listener)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners, listener];
        }
    }

    public void Remove(ChangeListener listener)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners.Where(l => !ReferenceEquals(l, listener))];
        }
    }

    public void Publish(long revision)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.Post(new ServiceRouteChangeSignal(revision, CatchUp: false));
        }
    }

    /// <summary>Disposes every listener (the store closes).</summary>
    public async Task DisposeAllAsync()
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }
}
