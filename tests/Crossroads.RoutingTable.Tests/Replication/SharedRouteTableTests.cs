using System.Diagnostics;
using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Loading;
using Crossroads.RoutingTable.Replication;
using Crossroads.RoutingTable.Tests.Journal;
using Xunit.Abstractions;

namespace Crossroads.RoutingTable.Tests.Replication;

/// <summary>
/// Replicas of the shared table in one process, each with its own <see cref="RouteTable"/> loaded from the same routes
/// file, on a real PostgreSQL database of their own per test.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class SharedRouteTableTests(PostgresServer postgres, ITestOutputHelper output) : IDisposable
{
    private const int MaxMetric = 100;

    private static readonly IpPrefix Ten = IpPrefix.Parse("10.0.0.0/8");

    private readonly TempDirectory _directory = new("crossroads-shared-");

    public void Dispose() => _directory.Dispose();

    [PostgresFact]
    public async Task A_write_is_applied_on_its_replica_at_once_and_on_another_after_a_catch_up()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path);
        await using var a = await OpenAsync(routes, database);
        await using var b = await OpenAsync(routes, database);

        var update = new MetricUpdate(IpPrefix.Parse("10.0.5.0/24"), JournalTestTable.HopB, 7, MatchKind.Exact);
        Assert.Equal(1, await a.UpdateAsync(update, CancellationToken.None));
        Assert.Equal(1, a.Revision);
        Assert.Equal("192.168.0.2", Winner(a, "10.0.5.9"));
        Assert.Equal("192.168.0.1", Winner(b, "10.0.5.9")); // not yet: B has not caught up

        await b.CatchUpAsync(CancellationToken.None);
        Assert.Equal(1, b.Revision);
        Assert.Equal("192.168.0.2", Winner(b, "10.0.5.9"));
        Assert.Equal(Metrics(a), Metrics(b));
    }

    [PostgresFact]
    public async Task An_update_matching_nothing_commits_nothing()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path);
        await using var a = await OpenAsync(routes, database);

        Assert.Equal(0, await a.UpdateAsync(new MetricUpdate(IpPrefix.Parse("192.0.2.0/24"), JournalTestTable.HopA, 5, MatchKind.OrLonger), CancellationToken.None));
        Assert.Equal(0, await a.UpdateAsync(new MetricUpdate(Ten, IpAddress.Parse("192.168.77.1"), 5, MatchKind.OrLonger), CancellationToken.None));
        Assert.Equal(0, a.Revision);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => a.UpdateAsync(new MetricUpdate(Ten, JournalTestTable.HopA, MaxMetric + 1, MatchKind.Exact), CancellationToken.None));
    }

    [PostgresFact]
    public async Task A_write_also_applies_what_other_replicas_committed_before_it_so_revisions_have_no_gaps()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path);
        await using var a = await OpenAsync(routes, database);
        await using var b = await OpenAsync(routes, database);

        await a.UpdateAsync(new MetricUpdate(IpPrefix.Parse("10.0.1.0/24"), JournalTestTable.HopB, 3, MatchKind.Exact), CancellationToken.None);
        await a.UpdateAsync(new MetricUpdate(IpPrefix.Parse("10.0.2.0/24"), JournalTestTable.HopB, 4, MatchKind.Exact), CancellationToken.None);
        // B never caught up: its own write brings revisions 1 and 2 with it.
        await b.UpdateAsync(new MetricUpdate(IpPrefix.Parse("10.0.1.0/24"), JournalTestTable.HopB, 9, MatchKind.Exact), CancellationToken.None);
        Assert.Equal(3, b.Revision);
        Assert.Equal(9, Metric(b, "10.0.1.0/24", JournalTestTable.HopB));
        Assert.Equal(4, Metric(b, "10.0.2.0/24", JournalTestTable.HopB));

        // A catches up: B's later value of the route both wrote wins.
        await a.CatchUpAsync(CancellationToken.None);
        Assert.Equal(3, a.Revision);
        Assert.Equal(Metrics(b), Metrics(a));
    }

    [PostgresFact]
    public async Task Random_writes_alternating_between_three_replicas_end_equal_to_one_table_that_applied_them_in_order()
    {
        const int seed = 20261201;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path, v4Prefixes: 300, v6Prefixes: 40);
        await using var a = await OpenAsync(routes, database);
        await using var b = await OpenAsync(routes, database);
        await using var c = await OpenAsync(routes, database);
        var replicas = new[] { a, b, c };
        var reference = RouteTable.Create(RouteFileLoader.Load(routes), MaxMetric);
        var prefixes = Enumerable.Range(0, reference.Current.RouteCount).Select(reference.Current.GetRoutePrefix).Distinct().ToArray();
        IpAddress[] hops = [JournalTestTable.HopA, JournalTestTable.HopB, JournalTestTable.HopV6A, JournalTestTable.HopV6B];

        for (int i = 0; i < 300; i++)
        {
            var prefix = random.Next(10) == 0 ? Ten : prefixes[random.Next(prefixes.Length)];
            var update = new MetricUpdate(prefix, hops[random.Next(hops.Length)], 1 + random.Next(MaxMetric), random.Next(3) == 0 ? MatchKind.OrLonger : MatchKind.Exact);
            int expected = reference.Apply(update);
            var replica = replicas[random.Next(replicas.Length)];
            Assert.Equal(expected, await replica.UpdateAsync(update, CancellationToken.None));
            if (random.Next(20) == 0)
            {
                await replicas[random.Next(replicas.Length)].CatchUpAsync(CancellationToken.None);
            }
        }

        var want = Metrics(reference);
        foreach (var replica in replicas)
        {
            await replica.CatchUpAsync(CancellationToken.None);
            Assert.Equal(want, Metrics(replica.Table));
            Assert.Equal(a.Revision, replica.Revision);
        }
    }

    [PostgresFact]
    public async Task An_orlonger_write_of_ten_thousand_routes_reaches_another_replica_in_one_snapshot()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path, v4Prefixes: 10_000, v6Prefixes: 0);
        await using var a = await OpenAsync(routes, database);
        await using var b = await OpenAsync(routes, database);
        var before = b.Table.Current;

        // A first write and catch-up warm up connections, statements and code; the second ones are timed.
        await a.UpdateAsync(new MetricUpdate(IpPrefix.Parse("10.1.0.0/16"), JournalTestTable.HopA, 9, MatchKind.OrLonger), CancellationToken.None);
        await b.CatchUpAsync(CancellationToken.None);
        before = b.Table.Current;
        var clock = Stopwatch.StartNew();
        int matched = await a.UpdateAsync(new MetricUpdate(Ten, JournalTestTable.HopB, 2, MatchKind.OrLonger), CancellationToken.None);
        var write = clock.Elapsed;
        Assert.True(matched > 10_000, $"{matched} routes");
        clock.Restart();
        await b.CatchUpAsync(CancellationToken.None);
        var catchUp = clock.Elapsed;
        output.WriteLine($"orlonger write of {matched} routes: {write.TotalMilliseconds:F1} ms; catch-up on the other replica: {catchUp.TotalMilliseconds:F1} ms");

        Assert.Equal(Metrics(a), Metrics(b));
        Assert.Equal("192.168.0.2", Winner(b, "10.39.15.1"));
        // One publication: the snapshot B had before still shows every route unchanged, the new one shows them all changed.
        Assert.DoesNotContain(before.ChangedRoutes(), static u => u.NextHop == JournalTestTable.HopB);
        Assert.Equal(matched, b.Table.Current.ChangedRoutes().Count(static u => u.NextHop == JournalTestTable.HopB && u.Metric == 2));
    }

    [PostgresFact]
    public async Task A_replica_opened_late_applies_every_committed_change_before_it_is_returned()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path);
        await using var a = await OpenAsync(routes, database);
        for (int i = 0; i < 20; i++)
        {
            await a.UpdateAsync(new MetricUpdate(IpPrefix.Parse($"10.0.{i}.0/24"), i % 2 == 0 ? JournalTestTable.HopA : JournalTestTable.HopB, 1 + i, MatchKind.Exact), CancellationToken.None);
        }

        await using var late = await OpenAsync(routes, database);
        Assert.Equal(20, late.Revision);
        Assert.Equal(Metrics(a), Metrics(late));
    }

    [PostgresFact]
    public async Task A_replica_with_another_base_table_is_refused_naming_both_hashes()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path);
        string other = JournalTestTable.WriteRoutes(_directory.Subdirectory("other"), v4Prefixes: 65);
        await using var first = await OpenAsync(routes, database);
        string otherHash = TableFingerprint.Compute(RouteTable.Create(RouteFileLoader.Load(other), MaxMetric).Current);

        var refused = await Assert.ThrowsAsync<BaseTableMismatchException>(() => OpenAsync(other, database));
        Assert.Contains(first.TableHash, refused.Message, StringComparison.Ordinal);
        Assert.Contains(otherHash, refused.Message, StringComparison.Ordinal);
        Assert.Contains(other, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);

        // The same routes with another MAX_METRIC are another base too.
        await Assert.ThrowsAsync<BaseTableMismatchException>(() => OpenAsync(routes, database, maxMetric: MaxMetric + 1));
    }

    [PostgresFact]
    public async Task A_running_replica_applies_a_notified_write_within_a_second_without_polling()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path);
        await using var a = await OpenAsync(routes, database);
        // A poll interval of ten minutes: only the notification can bring the write in time.
        await using var b = await OpenAsync(routes, database, pollInterval: TimeSpan.FromMinutes(10));
        await using var running = await Running.StartAsync(b);

        for (int i = 1; i <= 5; i++)
        {
            await a.UpdateAsync(new MetricUpdate(IpPrefix.Parse("10.0.7.0/24"), JournalTestTable.HopB, i, MatchKind.Exact), CancellationToken.None);
            var clock = Stopwatch.StartNew();
            await WaitUntilAsync(() => b.Revision == i, TimeSpan.FromSeconds(1));
            output.WriteLine($"write {i} applied on the other replica after {clock.Elapsed.TotalMilliseconds:F1} ms");
            Assert.Equal(i, Metric(b, "10.0.7.0/24", JournalTestTable.HopB));
        }
    }

    [PostgresFact]
    public async Task The_periodic_check_catches_up_when_no_notification_arrives()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = JournalTestTable.WriteRoutes(_directory.Path);
        await using var b = await OpenAsync(routes, database, pollInterval: TimeSpan.FromMilliseconds(100));
        await using var running = await Running.StartAsync(b);

        // A commit notified on nobody's channel: a row written straight into the database, as a lost notification looks.
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "UPDATE routing_table_revision SET revision = revision + 1; INSERT INTO routing_table_metrics VALUES ('10.0.3.0/24', '192.168.0.2', 11, 1)",
                connection);
            await command.ExecuteNonQueryAsync();
        }

        await WaitUntilAsync(() => b.Revision == 1, TimeSpan.FromSeconds(2));
        Assert.Equal(11, Metric(b, "10.0.3.0/24", JournalTestTable.HopB));
    }

    [Fact]
    public async Task Opening_against_an_unreachable_database_throws_SharedTableUnavailable()
    {
        string routes = JournalTestTable.WriteRoutes(_directory.Path);
        string unreachable = $"Host=127.0.0.1;Port={FreePort.OnLoopback()};Username=postgres;Timeout=2";
        await Assert.ThrowsAsync<SharedTableUnavailableException>(() => OpenAsync(routes, unreachable));
    }

    [Fact]
    public void The_fingerprint_ignores_order_comments_duplicates_and_compression_but_not_routes_or_max_metric()
    {
        string a = _directory.Write("a.txt", "10.0.0.0/8;192.168.0.1\n10.1.0.0/16;192.168.0.2\n2001:db8::/32;fe80::1\n");
        string b = _directory.WriteBytes("b.txt.gz", TempDirectory.Gzip("# same routes\n2001:db8::/32;fe80::1\n10.1.0.0/16;192.168.0.2\n\n10.0.0.0/8;192.168.0.1\n10.0.0.0/8;192.168.0.1\n"));
        string c = _directory.Write("c.txt", "10.0.0.0/8;192.168.0.1\n10.1.0.0/16;192.168.0.3\n2001:db8::/32;fe80::1\n");
        string d = _directory.Write("d.txt", "10.0.0.0/8;192.168.0.1\n10.1.0.0/16;192.168.0.2\n2001:db8::/48;fe80::1\n");

        string Hash(string file, int maxMetric = MaxMetric) => TableFingerprint.Compute(RouteTable.Create(RouteFileLoader.Load(file), maxMetric).Current);

        Assert.Equal(Hash(a), Hash(b));
        Assert.Matches("^[0-9a-f]{64}$", Hash(a));
        Assert.NotEqual(Hash(a), Hash(c));
        Assert.NotEqual(Hash(a), Hash(d));
        Assert.NotEqual(Hash(a), Hash(a, MaxMetric + 1));
    }

    private static Task<SharedRouteTable> OpenAsync(string routes, string connectionString, int maxMetric = MaxMetric, TimeSpan? pollInterval = null) =>
        SharedRouteTable.OpenAsync(
            RouteTable.Create(RouteFileLoader.Load(routes), maxMetric),
            new SharedTableOptions { ConnectionString = connectionString, RoutesFile = routes, PollInterval = pollInterval ?? TimeSpan.FromSeconds(1) },
            CancellationToken.None);

    private static string Winner(SharedRouteTable table, string address) =>
        table.Table.Current.TryLookup(IpAddress.Parse(address), out var route) ? route.NextHop.ToString() : "none";

    private static int Metric(SharedRouteTable table, string prefix, IpAddress nextHop)
    {
        var snapshot = table.Table.Current;
        (int first, int end) = snapshot.FindRoutes(IpPrefix.Parse(prefix), MatchKind.Exact);
        return Enumerable.Range(first, end - first).Select(snapshot.GetRoute).Single(r => r.NextHop == nextHop).Metric;
    }

    private static List<Route> Metrics(SharedRouteTable table) => Metrics(table.Table);

    private static List<Route> Metrics(RouteTable table) =>
        [.. Enumerable.Range(0, table.Current.RouteCount).Select(table.Current.GetRoute)];

    /// <summary>A replica's <see cref="SharedRouteTable.RunAsync"/> in the background, listening; stopped on dispose.</summary>
    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public static async Task<Running> StartAsync(SharedRouteTable replica)
        {
            var running = new Running();
            running._loop = replica.RunAsync(running._stop.Token);
            await WaitUntilAsync(() => replica.Listening, TimeSpan.FromSeconds(10));
            return running;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"condition not met within {timeout}");
            await Task.Delay(5);
        }
    }
}
