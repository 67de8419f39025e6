using Crossroads.ServiceRoutes.Events;

namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>
/// Wraps a real sink to observe the relays from outside: which relay delivered which revisions, and whether two
/// deliveries ever overlapped (<see cref="DeliveryLog.Overlaps"/>; the shared <see cref="DeliveryLog"/> spans every relay of a test).
/// </summary>
internal sealed class ProbeSink(string relayName, IEventSink inner, DeliveryLog log) : IEventSink
{
    public string Name => inner.Name;

    public async Task DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        log.Enter(relayName, messages);
        try
        {
            await inner.DeliverAsync(messages, cancellationToken);
        }
        finally
        {
            log.Leave();
        }
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>What the <see cref="ProbeSink"/>s of a test saw.</summary>
internal sealed class DeliveryLog
{
    private readonly List<(string Relay, long First, long Last)> _batches = [];
    private int _inside;

    public int Overlaps { get; private set; }

    public IReadOnlyList<(string Relay, long First, long Last)> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    public void Enter(string relay, IReadOnlyList<OutboxMessage> messages)
    {
        lock (_batches)
        {
            if (++_inside > 1)
            {
                Overlaps++;
            }

            _batches.Add((relay, messages[0].Revision, messages[^1].Revision));
        }
    }

    public void Leave()
    {
        lock (_batches)
        {
            _inside--;
        }
    }
}
