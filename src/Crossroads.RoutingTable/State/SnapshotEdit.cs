using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Fib;

namespace Crossroads.RoutingTable.State;

/// <summary>
/// Accumulates metric changes against one snapshot (the table's current one) and produces the next one. The caller
/// serializes edits and publishes the result of <see cref="Complete"/>.
/// </summary>
internal sealed class SnapshotEdit(RouteTableSnapshot source)
{
    private readonly RouteSet _set = source.Set;
    private readonly PersistentIntArray.Editor _metrics = source.Metrics.Edit();
    private byte[]? _winnerOffsets;
    private int _applied;

    // Prefixes whose winner changed at some point of this edit (it may have changed back since).
    private HashSet<int>? _winnerChanged;

    public int Apply(MetricUpdate update)
    {
        if (update.Metric < 1 || update.Metric > source.MaxMetric)
        {
            throw new ArgumentOutOfRangeException(nameof(update), update.Metric, $"The metric must be between 1 and {source.MaxMetric}.");
        }

        int nextHop = FindNextHop(update.NextHop);
        if (nextHop < 0)
        {
            return 0;
        }

        (int first, int end) = update.Match == MatchKind.Exact
            ? ExactRange(update.Prefix)
            : _set.FindCovered(update.Prefix);

        int matched = 0;
        for (int id = first; id < end; id++)
        {
            int start = _set.RouteStart[id];
            int stop = _set.RouteStart[id + 1];
            for (int r = start; r < stop; r++)
            {
                if (_set.RouteNextHop[r] != nextHop)
                {
                    continue;
                }

                _metrics[r] = update.Metric;
                matched++;
                if (stop - start > 1)
                {
                    // Copied once per edit: readers of the old snapshot keep the old offsets.
                    _winnerOffsets ??= (byte[])source.WinnerOffsets.Clone();
                    ref byte offset = ref _winnerOffsets[RouteSet.WinnerSlot(start)];
                    byte winner = (byte)(Winner(start, stop) - start);
                    if (winner != offset)
                    {
                        offset = winner;
                        (_winnerChanged ??= []).Add(id);
                    }
                }

                break;
            }
        }

        _applied += matched > 0 ? 1 : 0;
        return matched;
    }

    /// <summary>
    /// Rewrites the FIB leaves of every prefix whose winner changed and returns the next snapshot, which must then
    /// be published: from the first rewrite on, lookups on the source snapshot take its own winners instead of the
    /// leaves (slower, still its answers). Call it only once nothing can fail any more (after the journal commit).
    /// </summary>
    public RouteTableSnapshot Complete()
    {
        if (_winnerChanged is not null)
        {
            RewriteLeaves(_winnerChanged);
        }

        return new(_set, _metrics.ToArray(), _winnerOffsets ?? source.WinnerOffsets, source.Version + _applied, source.MaxMetric);
    }

    private void RewriteLeaves(HashSet<int> prefixes)
    {
        PoptrieFib.Rewriter? v4 = null;
        PoptrieFib.Rewriter? v6 = null;
        try
        {
            foreach (int id in prefixes)
            {
                int before = source.Winner(id);
                int start = _set.RouteStart[id];
                int after = start + _winnerOffsets![RouteSet.WinnerSlot(start)];
                if (before == after)
                {
                    continue;
                }

                PoptrieFib.Rewriter rewriter = id <= _set.V4PrefixCount
                    ? v4 ??= _set.V4.BeginRewrite()
                    : v6 ??= _set.V6.BeginRewrite();
                (UInt128 network, int length) = _set.FibKey(id);
                rewriter.Replace(network, length, before + 1, after + 1);
            }
        }
        catch
        {
            v4?.Abandon();
            v6?.Abandon();
            throw;
        }

        v4?.Publish();
        v6?.Publish();
    }

    private (int First, int End) ExactRange(IpPrefix prefix)
    {
        int id = _set.FindPrefix(prefix);
        return id == 0 ? (0, 0) : (id, id + 1);
    }

    private int FindNextHop(IpAddress nextHop)
    {
        int index = Array.BinarySearch(_set.NextHops, nextHop);
        return index >= 0 ? index : -1;
    }

    // Lowest metric wins; routes are stored by next hop, so the first minimum is the lowest next hop.
    private int Winner(int start, int stop)
    {
        int best = start;
        int bestMetric = _metrics[start];
        for (int r = start + 1; r < stop; r++)
        {
            int metric = _metrics[r];
            if (metric < bestMetric)
            {
                best = r;
                bestMetric = metric;
            }
        }

        return best;
    }
}
