using System.Collections.Concurrent;

namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// The most recent decisions, in memory: at most <c>capacity</c> are kept, the oldest dropped first. Lookups and
/// replacement (an observation updates a record) are lock-free; adds take a short lock for the eviction order.
/// </summary>
public sealed class DecisionStore(int capacity)
{
    private readonly ConcurrentDictionary<string, DecisionRecord> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>How many decisions are kept.</summary>
    public int Count => _byId.Count;

    /// <summary>Adds a decision, dropping the oldest beyond capacity.</summary>
    public void Add(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            if (_byId.TryAdd(record.Id, record))
            {
                _order.Enqueue(record.Id);
                while (_order.Count > capacity && _order.TryDequeue(out var oldest))
                {
                    _byId.TryRemove(oldest, out _);
                }
            }
        }
    }

    /// <summary>Finds a decision.</summary>
    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DecisionRecord? record) => _byId.TryGetValue(id, out record);

    /// <summary>Replaces a decision if it is still kept and unchanged since <paramref name="previous"/> was read.</summary>
    public bool TryReplace(DecisionRecord previous, DecisionRecord updated)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return _byId.TryUpdate(previous.Id, updated, previous);
    }
}
