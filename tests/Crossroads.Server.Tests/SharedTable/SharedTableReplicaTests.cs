using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Crossroads.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Crossroads.Server.Tests.SharedTable;

/// <summary>
/// The routing table shared by replicas on one PostgreSQL: real server processes (the built server), real signals, a
/// real database outage. Small routes files made here, so each test takes seconds.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed partial class SharedTableReplicaTests(PostgresServer postgres, ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = new("crossroads-shared-");

    public void Dispose() => _directory.Dispose();

    [PostgresFact]
    public async Task A_write_answered_on_one_replica_is_looked_up_and_explained_the_same_on_another_within_a_second()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = _directory.Write("routes.txt", HandMadeTable.Routes);
        var replicas = await SharedReplica.StartReadyAsync(2, routes, database, _directory);
        await using var a = replicas[0];
        await using var b = replicas[1];

        (string Prefix, string Nh, int Metric, string Address, string Dst)[] writes =
        [
            ("10.1.0.0/16", "172.16.0.1", 2, "10.1.9.9", "10.1.0.0/16"),
            ("10.0.0.0/8", "192.168.10.1", 5, "10.9.9.9", "10.0.0.0/8"),
            ("2001:db8::/32", "fe80::10", 1, "2001:db8:5::1", "2001:db8::/32"),
            ("10.1.0.0/16", "192.168.2.1", 1, "10.1.9.9", "10.1.0.0/16"),
            ("10.0.0.0/8", "192.168.10.1", 32768, "10.9.9.9", "10.0.0.0/8"),
        ];
        for (int i = 0; i < writes.Length; i++)
        {
            var (prefix, nh, metric, address, dst) = writes[i];
            var writer = i % 2 == 0 ? a : b;
            var reader = i % 2 == 0 ? b : a;
            var answer = await Api.UpdateAsync(writer.Client, prefix, nh, metric);
            Assert.Equal(200, answer.Code);
            var mine = await Api.LookupAsync(writer.Client, address);
            var expected = await Api.GetAsync(writer.Client, $"/destination/{address}/explain");

            var clock = Stopwatch.StartNew();
            Api.Answer seen;
            do
            {
                seen = await Api.GetAsync(reader.Client, $"/destination/{address}/explain");
                if (seen.Body == expected.Body)
                {
                    break;
                }

                await Task.Delay(5);
            }
            while (clock.Elapsed < TimeSpan.FromSeconds(1));
            output.WriteLine($"write {i + 1} seen on the other replica after {clock.Elapsed.TotalMilliseconds:F1} ms");
            Assert.True(seen.Body == expected.Body, $"one second after the write the other replica explained {seen.Body}, the writer {expected.Body}");
            Assert.Equal(mine.Body, (await Api.LookupAsync(reader.Client, address)).Body);
            Assert.Equal(dst, mine.Dst);
            Assert.Equal(i + 1, await SharedReplica.TableVersionAsync(a));
            Assert.Equal(i + 1, await SharedReplica.TableVersionAsync(b));
        }

        Api.AssertRoute(await Api.LookupAsync(b.Client, "10.1.9.9"), "10.1.0.0/16", "192.168.2.1");
        Api.AssertRoute(await Api.LookupAsync(a.Client, "2001:db8:5::1"), "2001:db8::/32", "fe80::10");
        // Nothing went to the journal: with a database the journal plays no part.
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.journal", SearchOption.AllDirectories));
    }

    [PostgresFact]
    public async Task A_thousand_random_updates_spread_over_two_replicas_leave_identical_routes_and_explanations()
    {
        const int seed = 1201;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var reference = RandomTable.Create(random, 150, 32768);
        string routes = _directory.Write("routes.txt", reference.ToFileText());
        string database = await postgres.CreateDatabaseAsync();
        var replicas = await SharedReplica.StartReadyAsync(2, routes, database, _directory);
        await using var a = replicas[0];
        await using var b = replicas[1];

        var updates = Enumerable.Range(0, 1000).Select(_ =>
        {
            var route = reference.Routes[random.Next(reference.Routes.Count)];
            bool exact = random.Next(2) == 0;
            string prefix = exact ? route.PrefixText : RandomTable.Cidr(random, reference);
            string nh = (route.V6 ? RandomTable.V6NextHops : RandomTable.V4NextHops)[random.Next(5)];
            // The number of routes an update matches depends on the table's shape only, whatever ran before it.
            int matches = reference.Select(prefix, exact).Count(r => r.NextHopText == nh);
            return (Prefix: prefix, Nh: nh, Metric: 1 + random.Next(32768), Match: exact ? "exact" : "orlonger", Matches: matches, OnA: random.Next(2) == 0);
        }).ToList();

        var failures = new ConcurrentQueue<string>();
        var queue = new ConcurrentQueue<int>(Enumerable.Range(0, updates.Count));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out int i))
            {
                var u = updates[i];
                var answer = await Api.UpdateAsync((u.OnA ? a : b).Client, u.Prefix, u.Nh, u.Metric, u.Match);
                bool right = u.Matches == 0 ? answer.Code == 404 : answer.Code == 200 && answer.UpdatedRoutes == u.Matches;
                if (!right)
                {
                    failures.Enqueue($"{u}: {answer}");
                }
            }
        })));
        output.WriteLine($"1,000 updates over 8 connections on two replicas: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Empty(failures);

        int committed = updates.Count(static u => u.Matches > 0);
        await WaitUntilAsync(async () => await SharedReplica.TableVersionAsync(a) == committed && await SharedReplica.TableVersionAsync(b) == committed, TimeSpan.FromSeconds(2));
        var pages = await SharedReplica.AllRoutesAsync(a);
        Assert.Equal(pages, await SharedReplica.AllRoutesAsync(b));
        int changed = pages.Sum(static page => System.Text.Json.JsonDocument.Parse(page).RootElement.EnumerateArray().Count(static r => r.GetProperty("metric").GetInt32() != 32768));
        Assert.True(changed > 50, $"only {changed} routes carry a changed metric");
        for (int i = 0; i < 300; i++)
        {
            string address = RandomTable.Address(random, reference);
            var onA = await Api.GetAsync(a.Client, $"/destination/{address}/explain");
            var onB = await Api.GetAsync(b.Client, $"/destination/{address}/explain");
            Assert.Equal(200, onA.Code);
            Assert.Equal(onA.Body, onB.Body);
        }
    }

    [PostgresFact]
    public async Task An_update_answered_200_right_before_kill_9_is_on_the_other_replica_and_on_the_restarted_one()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = _directory.Write("routes.txt", HandMadeTable.Routes);
        var replicas = await SharedReplica.StartReadyAsync(2, routes, database, _directory);
        var a = replicas[0];
        await using var b = replicas[1];
        try
        {
            Api.AssertUpdated(await Api.UpdateAsync(a.Client, "10.0.0.0/8", "192.168.10.1", 4, "exact"), 1);
            Api.AssertUpdated(await Api.UpdateAsync(a.Client, "10.1.0.0/16", "192.168.1.1", 3), 1);
            await a.KillAsync(); // SIGKILL right after the 200: nothing runs on the way out
        }
        finally
        {
            await a.DisposeAsync();
        }

        await WaitUntilAsync(async () => (await Api.LookupAsync(b.Client, "10.1.9.9")).Nh == "192.168.1.1", TimeSpan.FromSeconds(1));
        Api.AssertRoute(await Api.LookupAsync(b.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.10.1");

        await using var restarted = SharedReplica.Start(routes, database, _directory);
        await restarted.WaitUntilReadyAsync();
        Api.AssertRoute(await Api.LookupAsync(restarted.Client, "10.1.9.9"), "10.1.0.0/16", "192.168.1.1");
        Api.AssertRoute(await Api.LookupAsync(restarted.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.10.1");
        Assert.Equal(2, await SharedReplica.TableVersionAsync(restarted));
        Assert.Equal(await SharedReplica.AllRoutesAsync(b), await SharedReplica.AllRoutesAsync(restarted));
    }

    [PostgresFact]
    public async Task While_PostgreSQL_is_down_lookups_never_fail_writes_answer_503_with_Retry_After_and_the_replica_recovers_alone()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = _directory.Write("routes.txt", HandMadeTable.Routes);
        await using var a = SharedReplica.Start(routes, database, _directory, "--RoutingTable:BreakDuration=00:00:01", "--RoutingTable:PollInterval=00:00:00.200");
        await a.WaitUntilReadyAsync();
        Api.AssertUpdated(await Api.UpdateAsync(a.Client, "10.1.0.0/16", "192.168.2.1", 3), 1);

        using var load = new CancellationTokenSource();
        var lookups = new ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            using var client = a.NewClient();
            while (!load.IsCancellationRequested)
            {
                var answer = await Api.LookupAsync(client, "10.1.9.9");
                lookups.Add(answer.Code == 200 && answer.Nh == "192.168.2.1" ? "ok" : answer.ToString());
            }
        })).ToArray();

        await postgres.StopAsync();
        try
        {
            var refused = await Api.UpdateAsync(a.Client, "10.1.0.0/16", "172.16.0.1", 1);
            var problem = Api.AssertProblem(refused, 503);
            Assert.Contains("not applied", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(int.Parse(refused.Response.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

            await WaitUntilAsync(async () => await DatabaseCheckAsync(a) == "Degraded", TimeSpan.FromSeconds(5));
            Assert.Equal(200, (await Api.GetAsync(a.Client, "/health/ready")).Code); // degraded, still ready: lookups work

            // Repeated failures open the breaker: still 503 with Retry-After, never 500, nothing applied.
            for (int i = 0; i < 8; i++)
            {
                var again = await Api.UpdateAsync(a.Client, "10.1.0.0/16", "172.16.0.1", 1);
                Assert.Equal(503, again.Code);
                Assert.NotNull(again.Response.Headers.RetryAfter);
            }

            Api.AssertRoute(await Api.LookupAsync(a.Client, "10.1.9.9"), "10.1.0.0/16", "192.168.2.1");
            Assert.Equal(1, await SharedReplica.TableVersionAsync(a));
        }
        finally
        {
            await postgres.StartAgainAsync();
        }

        await WaitUntilAsync(async () => (await Api.UpdateAsync(a.Client, "10.2.0.0/16", "172.16.0.1", 6)).Code == 200, TimeSpan.FromSeconds(15));
        await WaitUntilAsync(async () => await DatabaseCheckAsync(a) == "Healthy", TimeSpan.FromSeconds(5));
        await load.CancelAsync();
        await Task.WhenAll(readers);
        Assert.NotEmpty(lookups);
        Assert.All(lookups, static result => Assert.Equal("ok", result));

        // A replica started now has the write from before the outage and the one after it, none of the refused ones.
        await using var b = SharedReplica.Start(routes, database, _directory);
        await b.WaitUntilReadyAsync();
        Assert.Equal(await SharedReplica.AllRoutesAsync(a), await SharedReplica.AllRoutesAsync(b));
        Api.AssertRoute(await Api.LookupAsync(b.Client, "10.1.9.9"), "10.1.0.0/16", "192.168.2.1");
        Assert.Equal(2, await SharedReplica.TableVersionAsync(b));
    }

    [PostgresFact]
    public async Task A_replica_started_late_catches_up_before_it_is_ready()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = _directory.Write("routes.txt", HandMadeTable.Routes);
        await using var a = SharedReplica.Start(routes, database, _directory);
        await a.WaitUntilReadyAsync();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await Api.UpdateAsync(a.Client, i % 2 == 0 ? "10.0.0.0/8" : "2001:db8::/32", i % 2 == 0 ? "192.168.9.1" : "fe80::1", 1 + i)).Code);
        }

        await using var late = SharedReplica.Start(routes, database, _directory);
        await late.WaitUntilReadyAsync();
        Assert.Equal(20, await SharedReplica.TableVersionAsync(late));
        Assert.Equal(await SharedReplica.AllRoutesAsync(a), await SharedReplica.AllRoutesAsync(late));
        Assert.Equal(
            (await Api.GetAsync(a.Client, "/destination/2001:db8:1:2::5/explain")).Body,
            (await Api.GetAsync(late.Client, "/destination/2001:db8:1:2::5/explain")).Body);
    }

    [PostgresFact]
    public async Task A_replica_with_another_routes_file_is_refused_with_exit_3_and_one_line_naming_the_module_and_both_hashes()
    {
        string database = await postgres.CreateDatabaseAsync();
        string routes = _directory.Write("routes.txt", HandMadeTable.Routes);
        string other = _directory.Write("other-routes.txt", HandMadeTable.Routes + "192.0.2.0/24;192.168.2.1\n");
        await using var a = SharedReplica.Start(routes, database, _directory);
        await a.WaitUntilReadyAsync();

        await using var refused = SharedReplica.Start(other, database, _directory);
        string line = await refused.WaitForStartupFailureAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("module RoutingTable", line, StringComparison.Ordinal);
        Assert.Contains(other, line, StringComparison.Ordinal);
        Assert.Equal(2, Sha256Hex().Matches(line).Select(static m => m.Value).Distinct().Count());

        // The replica on the recorded base keeps working, and another one on the same base still starts.
        Api.AssertUpdated(await Api.UpdateAsync(a.Client, "10.0.0.0/8", "192.168.10.1", 5, "exact"), 1);
        await using var same = SharedReplica.Start(_directory.Write("copy.txt", HandMadeTable.Routes), database, _directory);
        await same.WaitUntilReadyAsync();
        Api.AssertRoute(await Api.LookupAsync(same.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.10.1");
    }

    [GeneratedRegex("\\b[0-9a-f]{64}\\b")]
    private static partial Regex Sha256Hex();

    private static async Task<string?> DatabaseCheckAsync(ChildProcessServer replica)
    {
        var ready = await Api.GetAsync(replica.Client, "/health/ready");
        return ready.Json.GetProperty("checks").GetProperty("RoutingTable.database").GetProperty("status").GetString();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"condition not met within {timeout}");
            await Task.Delay(20);
        }
    }
}
