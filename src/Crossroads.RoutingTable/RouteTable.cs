using Crossroads.RoutingTable.State;

namespace Crossroads.RoutingTable;

/// <summary>
/// A routing table: lookups read <see cref="Current"/> without locks; metric updates are serialized,
/// build a new snapshot off to the side and publish it with one reference swap.
/// </summary>
public sealed class RouteTable
{
    /// <summary>The default and largest metric, as in the service this replaces.</summary>
    public const int DefaultMaxMetric = 32768;

    private readonly Lock _writeLock = new();
    private RouteTableSnapshot _current;

    private RouteTable(RouteTableSnapshot current) => _current = current;

    /// <summary>The latest published snapshot.</summary>
    public RouteTableSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Compiles a table; every route starts with metric <paramref name="maxMetric"/>.</summary>
    public static RouteTable Create(RouteListBuilder routes, int maxMetric = DefaultMaxMetric)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMetric, 1);
        var set = RouteSet.Build(routes);
        var metrics = new PersistentIntArray(set.RouteCount, maxMetric);
        // With equal metrics the lowest next hop wins: offset 0, as routes of a prefix are stored by next hop.
        var winnerOffsets = new byte[set.WinnerOffsetCount];
        return new RouteTable(new RouteTableSnapshot(set, metrics, winnerOffsets, version: 0, maxMetric));
    }

    /// <summary>
    /// Applies one update and returns how many routes it matched. When it matched any,
    /// <paramref name="commit"/> runs (e.g. an fsync'd journal append) before the new snapshot is published;
    /// if it throws, nothing is published.
    /// </summary>
    public int Apply(MetricUpdate update, Action<MetricUpdate>? commit = null)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_writeLock)
        {
            var current = _current;
            var edit = new SnapshotEdit(current);
            int matched = edit.Apply(update);
            if (matched == 0)
            {
                return 0;
            }

            commit?.Invoke(update);
            Volatile.Write(ref _current, edit.Complete());
            return matched;
        }
    }

    /// <summary>Applies a sequence of updates as one new snapshot (journal replay); returns matches per update.</summary>
    public IReadOnlyList<int> ApplyAll(IEnumerable<MetricUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        lock (_writeLock)
        {
            var edit = new SnapshotEdit(_current);
            var matched = updates.Select(edit.Apply).ToList();
            Volatile.Write(ref _current, edit.Complete());
            return matched;
        }
    }
}
