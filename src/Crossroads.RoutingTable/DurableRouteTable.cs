using System.Diagnostics;
using Crossroads.RoutingTable.Journal;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.RoutingTable;

/// <summary>
/// A route table loaded from a routes file plus the journal of updates accepted since: opening replays the
/// journal; <see cref="Update"/> journals (fsync) an update before publishing it.
/// </summary>
public sealed class DurableRouteTable : IDisposable
{
    // A journal longer than this and than twice the routes it actually changes is rewritten at start.
    private const int CompactionThreshold = 1000;

    private readonly UpdateJournal _journal;

    private DurableRouteTable(RouteTable table, UpdateJournal journal, OpenStatistics statistics)
    {
        Table = table;
        _journal = journal;
        Statistics = statistics;
    }

    /// <summary>The table; read <see cref="RouteTable.Current"/> for lookups.</summary>
    public RouteTable Table { get; }

    /// <summary>What opening found and how long it took.</summary>
    public OpenStatistics Statistics { get; }

    /// <summary>The journal file in use.</summary>
    public string JournalPath => _journal.Path;

    /// <summary>Loads the routes file, compiles the table and replays the journal.</summary>
    /// <exception cref="RouteFileException">The routes file has a malformed line.</exception>
    /// <exception cref="JournalException">The journal is damaged or holds an update this table rejects.</exception>
    public static DurableRouteTable Open(string routesFile, string journalPath, int maxMetric = RouteTable.DefaultMaxMetric)
    {
        var clock = Stopwatch.StartNew();
        var table = RouteTable.Create(RouteFileLoader.Load(routesFile), maxMetric);
        var loadTime = clock.Elapsed;
        var journal = UpdateJournal.Open(journalPath);
        try
        {
            var entries = journal.Entries;
            foreach (var entry in entries)
            {
                if (entry.Metric < 1 || entry.Metric > maxMetric)
                {
                    throw new JournalException(
                        $"{journalPath}: an update sets metric {entry.Metric}, outside 1..{maxMetric}; raise MAX_METRIC or move the journal away");
                }
            }

            var matched = table.ApplyAll(entries);
            int unmatched = matched.Count(static m => m == 0);
            bool compacted = Compact(table, journal);
            return new DurableRouteTable(
                table,
                journal,
                new OpenStatistics(loadTime, clock.Elapsed - loadTime, entries.Count, unmatched, journal.DroppedTornTail, compacted));
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Applies an update durably; returns how many routes it matched (0: nothing journaled or changed).</summary>
    public int Update(MetricUpdate update) => Table.Apply(update, _journal.Append);

    /// <inheritdoc/>
    public void Dispose() => _journal.Dispose();

    private static bool Compact(RouteTable table, UpdateJournal journal)
    {
        if (journal.Entries.Count <= CompactionThreshold)
        {
            return false;
        }

        var snapshot = table.Current;
        var changed = new List<MetricUpdate>();
        for (int r = 0; r < snapshot.RouteCount; r++)
        {
            if (snapshot.GetRoute(r) is { } route && route.Metric != snapshot.MaxMetric)
            {
                changed.Add(new MetricUpdate(route.Prefix, route.NextHop, route.Metric, MatchKind.Exact));
            }
        }

        if (journal.Entries.Count <= Math.Max(CompactionThreshold, 2 * changed.Count))
        {
            return false;
        }

        journal.Rewrite(changed);
        return true;
    }

    /// <summary>Timings and counts from <see cref="Open"/>.</summary>
    /// <param name="LoadTime">Reading the routes file and compiling the table.</param>
    /// <param name="ReplayTime">Reading and replaying the journal (and compacting it).</param>
    /// <param name="Replayed">Journal entries replayed.</param>
    /// <param name="ReplayedUnmatched">Entries that matched no route of this routes file.</param>
    /// <param name="DroppedTornTail">An incomplete, never acknowledged last entry was dropped.</param>
    /// <param name="Compacted">The journal was rewritten in its short form.</param>
    public sealed record OpenStatistics(TimeSpan LoadTime, TimeSpan ReplayTime, int Replayed, int ReplayedUnmatched, bool DroppedTornTail, bool Compacted);
}
