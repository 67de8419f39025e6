using System.Threading.Channels;

namespace Crossroads.ServiceRoutes.Changes;

/// <summary>
/// One listener: a queue of signals fed by its store after local commits (<see cref="ChangeSignalHub"/>) and, on
/// PostgreSQL, by a background loop listening to the database.
/// </summary>
internal sealed class ChangeListener : IServiceRouteChangeListener
{
    // Bounded, dropping the oldest: signals only say "caught up to N is possible", so a newer one supersedes older ones
    // and a consumer that stalls cannot make the listener grow without limit.
    private const int Capacity = 1024;

    private readonly Channel<ServiceRouteChangeSignal> _signals = Channel.CreateBounded<ServiceRouteChangeSignal>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = false });

    private readonly ChangeSignalHub _hub;
    private readonly CancellationTokenSource _stop = new();
    private Task _remote = Task.CompletedTask;
    private volatile bool _connected;
    private int _disposed;

    public ChangeListener(ChangeSignalHub hub, bool connected)
    {
        _hub = hub;
        _connected = connected;
    }

    public bool IsConnected => _connected;

    public IAsyncEnumerable<ServiceRouteChangeSignal> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _signals.Reader.ReadAllAsync(cancellationToken);

    public void Post(ServiceRouteChangeSignal signal) => _signals.Writer.TryWrite(signal);

    public void SetConnected(bool connected) => _connected = connected;

    /// <summary>Runs <paramref name="remote"/> in the background until the listener is disposed.</summary>
    public void Start(Func<ChangeListener, CancellationToken, Task> remote) => _remote = Task.Run(() => remote(this, _stop.Token));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _hub.Remove(this);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _remote.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _connected = false;
        _signals.Writer.TryComplete();
        _stop.Dispose();
    }
}
