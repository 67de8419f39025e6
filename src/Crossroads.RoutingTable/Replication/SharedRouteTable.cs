using System.Threading.Channels;
using Crossroads.Postgres;
using Microsoft.Extensions.Logging;

namespace Crossroads.RoutingTable.Replication;

/// <summary>
/// A replica of the shared table: this replica's <see cref="RouteTable"/> (its base routes file) plus every metric
/// change committed to PostgreSQL by any replica, applied in revision order.
/// <list type="bullet">
/// <item>A write (<see cref="UpdateAsync"/>) commits first, then applies locally, so it is visible here before the caller
/// answers; the commit also returns what other replicas committed since this one last applied, which is applied with it
/// in the same snapshot (the table never shows a later revision without the earlier ones).</item>
/// <item>Other replicas' writes arrive through <see cref="RunAsync"/>: a notification (LISTEN/NOTIFY) or the periodic
/// revision check makes it read the rows changed after <see cref="Revision"/> and publish them as one snapshot.</item>
/// <item>Lookups read <see cref="RouteTable.Current"/> and never wait for any of this.</item>
/// </list>
/// Writes and catch-ups of one replica take turns on one gate, so a catch-up read before a local commit can never be
/// applied after it.
/// </summary>
public sealed class SharedRouteTable : IAsyncDisposable
{
    private readonly SharedTableStore _store;
    private readonly PostgresRevisionListener _listener;
    private readonly SharedTableOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _revision;
    private long _lastContactTicks;
    private volatile bool _reachable = true;

    private SharedRouteTable(RouteTable table, SharedTableStore store, SharedTableOptions options, string tableHash)
    {
        Table = table;
        _store = store;
        _options = options;
        _logger = options.Logger;
        TableHash = tableHash;
        _listener = new PostgresRevisionListener(
            store.ConnectionString, SharedTableSchema.Channel, SharedTableSchema.CurrentRevisionSql, _logger, ReplicationLog.ListenerConnected, ReplicationLog.ListenerDisconnected);
        _lastContactTicks = options.TimeProvider.GetUtcNow().UtcTicks;
    }

    /// <summary>The table lookups read.</summary>
    public RouteTable Table { get; }

    /// <summary>The base table's hash (see <see cref="TableFingerprint"/>).</summary>
    public string TableHash { get; }

    /// <summary>The shared revision up to which every change is applied here.</summary>
    public long Revision => Volatile.Read(ref _revision);

    /// <summary>Whether the last round trip to PostgreSQL succeeded.</summary>
    public bool StoreReachable => _reachable;

    /// <summary>Whether the change listener is connected (notifications arrive).</summary>
    public bool Listening => _listener.IsConnected;

    /// <summary>When PostgreSQL last answered.</summary>
    public DateTimeOffset LastContact => new(Volatile.Read(ref _lastContactTicks), TimeSpan.Zero);

    /// <summary>
    /// Connects (applying migrations), checks this table's base against the recorded one (recording it when none is),
    /// then applies every committed change.
    /// </summary>
    /// <exception cref="BaseTableMismatchException">The shared table was started from another base table.</exception>
    /// <exception cref="SharedTableUnavailableException">PostgreSQL is unreachable or failed.</exception>
    public static async Task<SharedRouteTable> OpenAsync(RouteTable table, SharedTableOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = table.Current;
        string hash = TableFingerprint.Compute(snapshot);
        var store = await SharedTableStore.OpenAsync(options.ConnectionString, options.Logger, cancellationToken).ConfigureAwait(false);
        try
        {
            var mine = new RecordedBase(hash, snapshot.RouteCount, snapshot.MaxMetric, Path.GetFullPath(options.RoutesFile), options.TimeProvider.GetUtcNow());
            var (recorded, inserted) = await store.RecordBaseAsync(mine, cancellationToken).ConfigureAwait(false);
            if (recorded.TableHash != hash)
            {
                throw new BaseTableMismatchException(
                    $"the routes file '{options.RoutesFile}' ({snapshot.RouteCount} routes, MAX_METRIC {snapshot.MaxMetric}) has table hash {hash}, "
                    + $"but the shared table in PostgreSQL was started from hash {recorded.TableHash} ({recorded.Routes} routes, MAX_METRIC {recorded.MaxMetric}, "
                    + $"'{recorded.RoutesFile}'); start every replica from the same routes file and MAX_METRIC, or use another database");
            }

            if (inserted)
            {
                ReplicationLog.BaseRecorded(options.Logger, hash, snapshot.RouteCount);
            }

            var shared = new SharedRouteTable(table, store, options, hash);
            await shared.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            return shared;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Commits an update to PostgreSQL, then applies it here; returns how many routes it matched (0: nothing
    /// committed). The routes are chosen from this replica's table (same base on every replica, same choice).
    /// </summary>
    /// <exception cref="SharedTableUnavailableException">Not committed (or committed whole, its answer lost: it then
    /// appears at the next catch-up); not applied here.</exception>
    public async Task<int> UpdateAsync(MetricUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var snapshot = Table.Current;
        ArgumentOutOfRangeException.ThrowIfLessThan(update.Metric, 1, nameof(update));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(update.Metric, snapshot.MaxMetric, nameof(update));
        (string[] prefixes, string[] nextHops) = MatchingRoutes(snapshot, update);
        if (prefixes.Length == 0)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ChangeSet committed;
            try
            {
                // Not cancelled with the request: once sent, the commit's outcome should be learnt and applied.
                committed = await _store.CommitAsync(prefixes, nextHops, update.Metric, Revision, CancellationToken.None).ConfigureAwait(false);
            }
            catch (SharedTableUnavailableException e)
            {
                MarkUnreachable(e);
                throw;
            }

            MarkReachable();
            Table.ApplyAll([.. committed.Updates, update]);
            Volatile.Write(ref _revision, committed.Revision);
            return prefixes.Length;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the rows changed after <see cref="Revision"/> and publishes them as one snapshot.</summary>
    /// <exception cref="SharedTableUnavailableException">PostgreSQL is unreachable (nothing changed here).</exception>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ChangeSet changes;
            try
            {
                changes = await _store.ChangesSinceAsync(Revision, cancellationToken).ConfigureAwait(false);
            }
            catch (SharedTableUnavailableException e)
            {
                MarkUnreachable(e);
                throw;
            }

            MarkReachable();
            if (changes.Updates.Count > 0)
            {
                Table.ApplyAll(changes.Updates);
                Volatile.Write(ref _revision, changes.Revision);
                ReplicationLog.Applied(_logger, changes.Updates.Count, changes.Revision);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Keeps the table current until cancelled (then returns): listens for notifications and catches up on each one
    /// above <see cref="Revision"/>, on every (re)connect, and whenever the revision check every
    /// <see cref="SharedTableOptions.PollInterval"/> finds PostgreSQL ahead. Failures only mark PostgreSQL unreachable;
    /// the loop retries at the next tick.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var listening = _listener.RunAsync(
            (revision, catchUp) =>
            {
                if (catchUp || revision > Revision)
                {
                    _wake.Writer.TryWrite(true);
                }
            },
            cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                bool woken = await WaitAsync(cancellationToken).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                try
                {
                    if (woken || await _store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false) > Revision || !_reachable)
                    {
                        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        MarkReachable();
                    }
                }
                catch (SharedTableUnavailableException e)
                {
                    MarkUnreachable(e);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        finally
        {
            await listening.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    /// <summary>The (prefix, next hop) text of every route an update selects, as the rows it writes.</summary>
    internal static (string[] Prefixes, string[] NextHops) MatchingRoutes(RouteTableSnapshot snapshot, MetricUpdate update)
    {
        (int first, int end) = snapshot.FindRoutes(update.Prefix, update.Match);
        var prefixes = new List<string>();
        var nextHops = new List<string>();
        string nextHop = update.NextHop.ToString();
        for (int route = first; route < end; route++)
        {
            if (snapshot.Set.NextHops[snapshot.Set.RouteNextHop[route]] == update.NextHop)
            {
                prefixes.Add(snapshot.GetRoutePrefix(route).ToString());
                nextHops.Add(nextHop);
            }
        }

        return ([.. prefixes], [.. nextHops]);
    }

    // True when signalled, false when the poll interval passed.
    private async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(_options.PollInterval);
        try
        {
            return await _wake.Reader.ReadAsync(poll.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void MarkUnreachable(SharedTableUnavailableException failure)
    {
        if (_reachable)
        {
            _reachable = false;
            ReplicationLog.Unreachable(_logger, failure.Message, Revision);
        }
    }

    private void MarkReachable()
    {
        Volatile.Write(ref _lastContactTicks, _options.TimeProvider.GetUtcNow().UtcTicks);
        if (!_reachable)
        {
            _reachable = true;
            ReplicationLog.Reachable(_logger, Revision);
        }
    }
}
