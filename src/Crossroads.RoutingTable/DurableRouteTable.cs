using System.Diagnostics;
using Crossroads.RoutingTable.Journal;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.RoutingTable;

/// <summary>
/// A route table loaded from a routes file plus the journal of updates accepted since: opening replays the
/// journal; <see cref="Update"/> journals (fsync) an update before publishing it. The journal is compacted
/// (rewritten as one exact update per changed route) at start and while running, whenever it has grown past
/// <see cref="CompactionThreshold"/> entries and twice the routes it actually changes.
/// </summary>
public sealed class DurableRouteTable : IDisposable
{
    /// <summary>Journal entries below which it is never compacted.</summary>
    public const int CompactionThreshold = 10_000;

    // Replay applies the journal in slices so a long journal is never held in memory whole.
    private const int ReplayBatch = 10_000;

    private readonly UpdateJournal _journal;
    private readonly Lock _updateLock = new();
    private int _compactAt;

    private DurableRouteTable(RouteTable table, UpdateJournal journal, OpenStatistics statistics)
    {
        Table = table;
        _journal = journal;
        Statistics = statistics;
        // A journal still below the threshold compacts as soon as it reaches it, not at twice its size.
        _compactAt = journal.EntryCount < CompactionThreshold ? CompactionThreshold : NextCompactionPoint(journal.EntryCount);
    }

    /// <summary>The table; read <see cref="RouteTable.Current"/> for lookups.</summary>
    public RouteTable Table { get; }

    /// <summary>What opening found and how long it took.</summary>
    public OpenStatistics Statistics { get; }

    /// <summary>The journal file in use.</summary>
    public string JournalPath => _journal.Path;

    /// <summary>The last compaction failure while running (the journal stays valid and in use), or null.</summary>
    public string? LastCompactionError { get; private set; }

    /// <summary>Loads the routes file, compiles the table and replays the journal.</summary>
    /// <exception cref="RouteFileException">The routes file has a malformed line.</exception>
    /// <exception cref="JournalException">The journal is damaged or holds an update this table rejects.</exception>
    public static DurableRouteTable Open(string routesFile, string journalPath, int maxMetric = RouteTable.DefaultMaxMetric)
    {
        var clock = Stopwatch.StartNew();
        var routes = RouteFileLoader.Load(routesFile);
        var parseTime = clock.Elapsed;
        var table = RouteTable.Create(routes, maxMetric);
        return Open(table, journalPath, maxMetric, parseTime, clock.Elapsed);
    }

    /// <summary>Replays the journal onto a table already loaded and compiled (with <paramref name="maxMetric"/>).</summary>
    /// <param name="table">The freshly loaded table: no update applied yet.</param>
    /// <param name="journalPath">The journal file.</param>
    /// <param name="maxMetric">The largest valid metric the table was created with.</param>
    /// <param name="parseTime">How long parsing the routes file took (reported in <see cref="Statistics"/>).</param>
    /// <param name="loadTime">How long parsing and compiling took.</param>
    /// <exception cref="JournalException">The journal is damaged or holds an update this table rejects.</exception>
    public static DurableRouteTable Open(RouteTable table, string journalPath, int maxMetric, TimeSpan parseTime, TimeSpan loadTime)
    {
        ArgumentNullException.ThrowIfNull(table);
        var clock = Stopwatch.StartNew();
        var pending = new List<MetricUpdate>(ReplayBatch);
        int unmatched = 0;
        void Flush()
        {
            unmatched += table.ApplyAll(pending).Count(static m => m == 0);
            pending.Clear();
        }

        var journal = UpdateJournal.Open(journalPath, (entry, line) =>
        {
            if (entry.Metric < 1 || entry.Metric > maxMetric)
            {
                throw new JournalException(
                    $"{journalPath}:{line}: an update sets metric {entry.Metric}, outside 1..{maxMetric}; raise MAX_METRIC or move the journal away");
            }

            pending.Add(entry);
            if (pending.Count == ReplayBatch)
            {
                Flush();
            }
        });
        try
        {
            Flush();
            int replayed = journal.EntryCount;
            string? compactionError = null;
            bool compacted = false;
            if (replayed >= NextCompactionPoint(0))
            {
                compacted = TryCompact(table, journal, out compactionError);
            }

            return new DurableRouteTable(
                table,
                journal,
                new OpenStatistics(loadTime, clock.Elapsed, replayed, unmatched, journal.DroppedTornTail, compacted, compactionError)
                {
                    ParseTime = parseTime,
                });
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Applies an update durably; returns how many routes it matched (0: nothing journaled or changed).</summary>
    /// <exception cref="IOException">The journal append failed; the update was not applied.</exception>
    public int Update(MetricUpdate update)
    {
        lock (_updateLock)
        {
            int matched = Table.Apply(update, _journal.Append);
            if (matched > 0 && _journal.EntryCount >= _compactAt)
            {
                LastCompactionError = TryCompact(Table, _journal, out string? error) ? null : error;
                _compactAt = NextCompactionPoint(_journal.EntryCount);
            }

            return matched;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_updateLock)
        {
            _journal.Dispose();
        }
    }

    private static int NextCompactionPoint(int entries) => Math.Max(CompactionThreshold, 2 * entries);

    // Rewrites the journal as the table's non-default metrics when that is shorter. A failure leaves the old,
    // complete journal in use: it is an inefficiency, not a reason to stop serving.
    private static bool TryCompact(RouteTable table, UpdateJournal journal, out string? error)
    {
        error = null;
        var changed = table.Current.ChangedRoutes();
        if (changed.Count * 2 > journal.EntryCount)
        {
            return false;
        }

        try
        {
            journal.Rewrite(changed);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"journal compaction failed: {e.Message}";
            return false;
        }
    }

    /// <summary>Timings and counts from <see cref="Open(string, string, int)"/>.</summary>
    /// <param name="LoadTime">Reading the routes file and compiling the table.</param>
    /// <param name="ReplayTime">Reading and replaying the journal (and compacting it).</param>
    /// <param name="Replayed">Journal entries replayed.</param>
    /// <param name="ReplayedUnmatched">Entries that matched no route of this routes file.</param>
    /// <param name="DroppedTornTail">An incomplete, never acknowledged last entry was dropped.</param>
    /// <param name="Compacted">The journal was rewritten in its short form.</param>
    /// <param name="CompactionError">Why compaction failed (the journal stayed as it was), or null.</param>
    public sealed record OpenStatistics(
        TimeSpan LoadTime, TimeSpan ReplayTime, int Replayed, int ReplayedUnmatched, bool DroppedTornTail, bool Compacted, string? CompactionError)
    {
        /// <summary>The part of <see cref="LoadTime"/> spent reading and parsing the routes file; the rest compiled the table.</summary>
        public TimeSpan ParseTime { get; init; }
    }
}
